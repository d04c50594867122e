"""Browsers an account has signed in from before, so a stranger cannot lock its owner out.

Sign-in pauses after a few failures for an account from one address (`login_limits`). People
behind one address (an office, a campus) could then keep a colleague's account, an admin's
among them, paused for good by typing wrong passwords. A successful sign-in therefore leaves a
signed cookie naming the accounts that signed in from that browser; an attempt that carries
it for the account it names is counted against that browser instead of the address. Failures
from elsewhere, at the same address or not, no longer pause it, and its own failures still
pause it. The cookie is signed with the app's secret, so it cannot be made up; it proves only
that this browser once knew the password, so it names each account with a digest of its
password hash as well, and a new password makes every browser a stranger again.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from annotator.store.users import user_named

from .db import get_db

COOKIE = "annotator_browser"
SALT = "known-browser"
MAX_AGE = 180 * 24 * 3600  # seconds: a browser unused for half a year is a stranger again
MAX_ACCOUNTS = 8  # accounts one browser remembers (a lead trying out an annotator's view)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _read() -> dict | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        value = _serializer().loads(raw, max_age=MAX_AGE)  # signed at the last sign-in
    except BadSignature:  # an expired signature is one too
        return None
    if not (
        isinstance(value, dict)
        and isinstance(value.get("browser"), str)
        and isinstance(value.get("accounts"), list)
    ):
        return None
    return value


def _account_key(user: dict) -> str:
    """The account and its current password: a new password gives a new key."""
    digest = hashlib.sha256(user["password_hash"].encode("utf-8")).hexdigest()[:16]
    return f"{user['id']}:{digest}"


def sign_in_place(username: str, address: str) -> str:
    """Where a sign-in attempt for `username` counts: this browser, when it has signed in as
    that account with its current password before, else the client's address."""
    known = _read()
    if known is not None:
        user = user_named(get_db(), username)
        if user is not None and _account_key(user) in known["accounts"]:
            return f"browser:{known['browser']}"
    return address


def remember(response: Response, user: dict) -> Response:
    """After a successful sign-in as `user` (its row): keep the account among those this
    browser is known for, newest last."""
    known = _read() or {"browser": secrets.token_urlsafe(16), "accounts": []}
    key = _account_key(user)
    accounts = [name for name in known["accounts"] if name != key] + [key]
    value = {"browser": known["browser"], "accounts": accounts[-MAX_ACCOUNTS:]}
    response.set_cookie(
        COOKIE,
        _serializer().dumps(value),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
