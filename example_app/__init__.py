"""example_app: a small subscription shop that shows driftguard in use.

It is built the way a production FastAPI service is built, so that the drift driftguard
finds in it is the drift real services have: routers (``api/``), Pydantic schemas
(``schemas/``), business logic without HTTP (``services/``), SQLAlchemy data access
(``db/``), outside services behind small interfaces (``clients/``), middleware and
settings validated at start-up.

Run it with ``uvicorn example_app.main:app`` (see ``example_app/main.py`` for the
environment it needs); build one for tests with :func:`example_app.app.create_app`.
"""
