"""committees.secretariat_participates: whether the minutes count the secretariat as taking part

Revision ID: 0009
Revises: 0008_inbox_revisions
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008_inbox_revisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("committees") as batch:
        batch.add_column(
            sa.Column(
                "secretariat_participates", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("committees") as batch:
        batch.drop_column("secretariat_participates")
