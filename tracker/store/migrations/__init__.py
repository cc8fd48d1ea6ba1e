"""Alembic migrations for the store, shipped inside the package and applied on open."""
