"""health: the row /healthz rewrites to prove the database takes writes

Revision ID: 0012_health
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_health"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    health = op.create_table(
        "health",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health")),
    )
    op.bulk_insert(health, [{"id": 1, "checked_at": None}])


def downgrade() -> None:
    op.drop_table("health")
