"""Who may write: the app's token, as `Authorization: Bearer …` (tools) or as the login cookie
the page's own requests carry (set by opening `/?token=…`), which is CSRF-safe: SameSite=Strict,
and a write with it must carry the `X-Speechtasks-Request` header (a cross-site form cannot)
and, when the browser names an Origin, come from this one."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request

COOKIE = "speechtasks_token"
HEADER = "x-speechtasks-request"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode(), b.encode())


def check_writer(request: Request, token: str) -> None:
    """Raise 401 (no token) or 403 (wrong token, or a cookie without the CSRF guards)."""
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer" or not same(value.strip(), token):
            raise HTTPException(403, "wrong token")
        return
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise HTTPException(401, "writing needs the token: Authorization: Bearer <token> (printed at start)")
    if not same(cookie, token):
        raise HTTPException(403, "wrong token: open the address printed at start again")
    if request.headers.get(HEADER) != "1":
        raise HTTPException(403, f"a write from the page needs the {HEADER} header")
    origin = request.headers.get("origin")
    if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise HTTPException(403, f"cross-origin write refused ({origin})")
