"""The HTTP API of the live service (FastAPI): `agilegov.api.app.create_app(settings)`."""
