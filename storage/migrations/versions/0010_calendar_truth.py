"""calendar_syncs: when the first unsent change happened, and whether someone was not reached

first_changed_at bounds how long continuous editing can postpone an update (issue 12.6);
unreached keeps a called meeting in the sync until everyone has a queued copy (issue 12.4).

Revision ID: 0010_calendar_truth
Revises: 0011_delivery_nonce
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_calendar_truth"
down_revision = "0011_delivery_nonce"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_syncs") as batch:
        batch.add_column(sa.Column("first_changed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("unreached", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_syncs") as batch:
        batch.drop_column("unreached")
        batch.drop_column("first_changed_at")
