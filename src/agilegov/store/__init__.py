"""Storage of the live service: the event store (DuckDB) and the governance state (SQL).

`events` keeps every accepted event, durable and idempotent; `state` (with `db`,
`models` and the Alembic migrations) keeps accounts, quarantine, batches, findings,
actions and webhooks.
"""
