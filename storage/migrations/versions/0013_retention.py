"""meetings.minutes_approved_at: when the minutes were approved, for the retention of reasons

Regret reasons are health data, kept only a while after the minutes are approved
(KLU_REGRET_REASON_DAYS). Meetings approved before this revision have no time; the pruning
counts from their end instead.

Revision ID: 0013_retention
Revises: 0012_health
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_retention"
down_revision = "0012_health"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(
            sa.Column("minutes_approved_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("minutes_approved_at")
