"""delivery claims: count claims so a claim that died mid-send is reconciled before re-sending

Revision ID: 0007_delivery_claims
Revises: 0006_topic_board_index
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_delivery_claims"
down_revision = "0006_topic_board_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claims", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("claims")
