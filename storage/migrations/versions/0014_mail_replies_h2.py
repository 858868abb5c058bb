"""mail_failures (bounced addresses) and an index on deliveries.nonce (replies name it)

Revision ID: 0014_mail_replies_h2
Revises: 0010_calendar_truth
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_mail_replies_h2"
down_revision = "0010_calendar_truth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_failures",
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("bounces", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_mail_failures")),
    )
    op.create_index("ix_deliveries_nonce", "deliveries", ["nonce"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_nonce", table_name="deliveries")
    op.drop_table("mail_failures")
