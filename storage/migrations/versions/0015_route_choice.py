"""people.route: where a person wants the bot's messages (slack, email, both; NULL = default)

NULL keeps what everyone had: a Slack DM when the person is linked, else e-mail.

Revision ID: 0014_route_choice_h3
Revises: 0010_calendar_truth
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_route_choice"
down_revision = "0014_mail_replies_h2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("route", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("route")
