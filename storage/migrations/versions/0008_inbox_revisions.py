"""inbox for Slack events (stored before the answer) and data revisions for cached answers

Revision ID: 0008_inbox_revisions
Revises: 0007_delivery_claims
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_inbox_revisions"
down_revision = "0007_delivery_claims"
branch_labels = None
depends_on = None
SLOTS = 16  # storage.tables.REVISION_SLOTS when this was written


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("key", name=op.f("uq_inbox_key")),
    )
    op.create_index("ix_inbox_pending", "inbox", ["done_at", "not_before"], unique=False)
    revisions = op.create_table(
        "revisions",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", "slot", name=op.f("pk_revisions")),
    )
    rows = [
        {"name": name, "slot": slot, "value": 0}
        for name in ("roster", "content")
        for slot in range(SLOTS)
    ]
    op.bulk_insert(revisions, rows)


def downgrade() -> None:
    op.drop_table("revisions")
    op.drop_index("ix_inbox_pending", table_name="inbox")
    op.drop_table("inbox")
