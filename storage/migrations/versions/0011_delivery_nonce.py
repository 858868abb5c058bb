"""deliveries.nonce: a random part per row, so e-mail Message-IDs are unique in the world

Revision ID: 0011_delivery_nonce
Revises: 0013_retention
Create Date: 2026-12-03

Rows still pending get a nonce now; rows already sent keep "" because their Message-ID was
derived from the key alone, and calendar updates refer to them (In-Reply-To/References) by
the id they really went out with.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0011_delivery_nonce"
down_revision = "0013_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("nonce", sa.String(32), server_default="", nullable=False))
    conn = op.get_bind()
    pending = conn.execute(sa.text("SELECT id FROM deliveries WHERE status = 'pending'"))
    for (row_id,) in pending.fetchall():
        conn.execute(
            sa.text("UPDATE deliveries SET nonce = :nonce WHERE id = :id"),
            {"nonce": secrets.token_hex(16), "id": row_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("nonce")
