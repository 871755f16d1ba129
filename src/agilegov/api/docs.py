"""Offline API docs: Swagger UI served from vendored files (no CDN).

`static/` holds `swagger-ui-bundle.js` and `swagger-ui.css` from the npm package
`swagger-ui-dist` (Apache-2.0, licence in `static/LICENSE-swagger-ui`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).with_name("static")


def install_docs(app: FastAPI) -> None:
    """Mount `/static` and serve `/docs` from it."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} API",
            swagger_js_url="/static/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui.css",
            swagger_favicon_url="/static/favicon-32x32.png",
            # No badge from the public validator service: the docs work offline.
            swagger_ui_parameters={"validatorUrl": None},
        )
