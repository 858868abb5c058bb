"""SQLAlchemy: tables, the domain's mapping, the unit of work and the Alembic migrations."""
