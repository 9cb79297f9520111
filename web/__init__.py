"""The review app: a door like cli/, over store/ and review/ (FastAPI, served by uvicorn).

`create_app(db_path, corpus, token)` → the ASGI app: the speeches, each one's review page
with the clerk's controls, and a small JSON API for tracking tools. Writes need the token.
"""

from web.app import create_app

__all__ = ["create_app"]
