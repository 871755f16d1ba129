"""Alembic environment: run against the engine handed over by agilegov.store.db.upgrade.

Run by hand with a database URL in the `sqlalchemy.url` option of an Alembic config whose
`script_location` is this folder.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from agilegov.store.db import WRITE_OPTION, make_engine
from agilegov.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")

with engine.execution_options(**{WRITE_OPTION: True}).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
