"""topic board index: page the bruttoliste in SQL (committee, status, proposed_at, id)

Revision ID: 0006_topic_board_index
Revises: 0005_carry_once
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0006_topic_board_index"
down_revision = "0005_carry_once"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_topics_board", ["committee_id", "status", "proposed_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_index("ix_topics_board")
