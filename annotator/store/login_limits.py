"""Sign-in rate limits: a few failures per account and per place, then a pause.

A place is the client's address, or a browser that has signed in as the account before (the
web layer tells which; see `web.known_browsers`), so that failures from others at the same
address do not pause the account's owner. Kept in the database, so the limit holds across
server processes and restarts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from .database import insert_row, now

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # failures for one username from one place
PER_ADDRESS = 20  # failures from one place, whatever the username


def _since() -> str:
    return (datetime.now(UTC) - WINDOW).isoformat(timespec="milliseconds")


def reserve_attempt(db: Database, username: str, address: str) -> bool:
    """Count a sign-in attempt as failed before its password is checked, if the limit allows.

    Returns whether the password may be checked. Counting and recording are one write
    transaction, so parallel attempts cannot all read the same count and all be checked: the
    limit bounds how many passwords are tried, not only how many failures are noted. A
    successful sign-in then clears the failures with `forget_failures`.
    """
    since = _since()
    with db.atomic():
        db.execute("delete from login_failures where created < ?", [since])
        account = db.execute(
            "select count(*) from login_failures where username = ? and address = ?",
            [username, address],
        ).fetchone()[0]
        anywhere = db.execute(
            "select count(*) from login_failures where address = ?", [address]
        ).fetchone()[0]
        if account >= PER_ACCOUNT or anywhere >= PER_ADDRESS:
            return False
        insert_row(
            db, "login_failures", {"username": username, "address": address, "created": now()}
        )
    return True


def forget_failures(db: Database, username: str, address: str) -> None:
    """A successful sign-in clears that account's failures from that address."""
    with db.atomic():
        db.execute(
            "delete from login_failures where username = ? and address = ?", [username, address]
        )
