"""Alembic environment: migrations run on the connection ``lupcore.workshop.store.upgrade`` passes in."""

from alembic import context

from lupcore.workshop.store import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the app and tests always pass a connection
    raise RuntimeError("Run the workshop migrations through lupcore.workshop.store.upgrade(engine).")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
