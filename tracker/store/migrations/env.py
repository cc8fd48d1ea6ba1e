"""Alembic environment for the store.

The store passes its open connection in ``config.attributes["connection"]``
(see ``tracker.store.engine``), so no alembic.ini is needed at runtime. For
writing a new revision from a checkout, ``tracker.store.engine.alembic_config``
builds the same configuration with a URL instead.
"""

from alembic import context
from sqlmodel import SQLModel

from tracker.store import tables  # noqa: F401  (registers the tables on the metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      render_as_batch=True, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        with create_engine(config.get_main_option("sqlalchemy.url")).connect() as connection:
            _run(connection)
            connection.commit()
    else:
        _run(connection)


def _run(connection) -> None:
    # Batch mode (copy the table, alter, swap) is SQLite's way to ALTER; a server alters in place.
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
