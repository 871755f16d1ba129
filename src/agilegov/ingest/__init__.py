"""Ingest: request bodies and files to validated, pseudonymised events in the event store.

`parse` reads bodies and uploads, `validate` checks items against their stream,
`pseudonym` replaces personal fields by keyed pseudonyms, `service` runs a batch.
"""
