"""The app as uvicorn and driftguard import it: ``example_app.main:app``.

Run it with the two required settings::

    SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(48))') \\
    RATES_API_URL=http://127.0.0.1:8001 \\
    uvicorn example_app.main:app

``RATES_API_URL`` may point at the bundled stand-in rates service,
``uvicorn example_app.dev.rates_service:app --port 8001``. The app can be imported
(and its OpenAPI document read) without settings; it refuses to *start* without them.
"""

from __future__ import annotations

from example_app.app import create_app

__all__ = ["app"]

app = create_app()
