"""Sign-in rate limits: a few failures per account and per address, then a pause.

Kept in the database, so the limit holds across server processes and restarts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from .database import now

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # failures for one username from one address
PER_ADDRESS = 20  # failures from one address, whatever the username


def _since() -> str:
    return (datetime.now(UTC) - WINDOW).isoformat(timespec="milliseconds")


def allow_attempt(db: Database, username: str, address: str) -> bool:
    """Whether another sign-in may be tried now."""
    since = _since()
    db.execute("delete from login_failures where created < ?", [since])
    account = db.execute(
        "select count(*) from login_failures where username = ? and address = ? and created >= ?",
        [username, address, since],
    ).fetchone()[0]
    anywhere = db.execute(
        "select count(*) from login_failures where address = ? and created >= ?", [address, since]
    ).fetchone()[0]
    return account < PER_ACCOUNT and anywhere < PER_ADDRESS


def note_failure(db: Database, username: str, address: str) -> None:
    db.table("login_failures").insert({"username": username, "address": address, "created": now()})


def forget_failures(db: Database, username: str, address: str) -> None:
    """A successful sign-in clears that account's failures from that address."""
    db.execute("delete from login_failures where username = ? and address = ?", [username, address])
