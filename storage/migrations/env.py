"""Alembic environment: the URL comes from the caller or DATABASE_URL; batch mode for SQLite."""

from __future__ import annotations

from typing import Any

from alembic import context

from storage.db import database_url, make_engine
from storage.tables import metadata
from storage.types import StrEnumType, UTCDateTime

config = context.config


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our column types as plain SQLAlchemy types, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, StrEnumType):
        return "sa.String(length=32)"
    return False


OPTIONS: dict[str, Any] = {
    "target_metadata": metadata,
    "render_as_batch": True,
    "render_item": render_item,
}
url = config.get_main_option("sqlalchemy.url") or database_url()


def run_migrations_offline() -> None:
    context.configure(url=url, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
