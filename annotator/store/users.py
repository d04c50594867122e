"""Accounts: usernames, argon2 password hashes and roles.

Roles are ordered: an annotator labels their queue; a lead also sees stats, flags and
agreement and adjudicates; an admin also manages users, imports, models and settings.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from .assignments import release_places_of
from .database import first_row, now

ANNOTATOR, LEAD, ADMIN = "annotator", "lead", "admin"
ROLES = (ANNOTATOR, LEAD, ADMIN)
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,39}$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()
# Verifying against this when the user does not exist takes as long as a real check, so
# response times do not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class UserError(ValueError):
    """A username, password or role that cannot be used."""


def create_user_table(db: Database) -> None:
    db.table("users").create(
        {
            "id": int,
            "username": str,
            "password_hash": str,
            "role": str,
            "active": int,
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"username", "password_hash", "role", "active"},
    )
    db.table("users").create_index(["username"], unique=True)


def role_at_least(role: str, needed: str) -> bool:
    """Whether `role` includes the rights of `needed`."""
    return ROLES.index(role) >= ROLES.index(needed)


def _check(username: str, password: str | None, role: str | None) -> None:
    if not USERNAME.match(username or ""):
        raise UserError(
            f"username {username!r}: 1 to 40 letters, digits or . _ @ -, starting with a letter"
            " or digit"
        )
    if password is not None and len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    if role is not None and role not in ROLES:
        raise UserError(f"role {role!r} is not one of {', '.join(ROLES)}")


def create_user(db: Database, username: str, password: str, role: str = ANNOTATOR) -> int:
    """Add an account; raise UserError for a bad or taken username."""
    _check(username, password, role)
    password_hash, stamp = _hasher.hash(password), now()
    with db.atomic():
        # "ANA" beside "ana" would be two people to the team and one to the eye
        taken = first_row(
            db, "select username from users where username = ? collate nocase", [username]
        )
        if taken is not None:
            also = "" if taken["username"] == username else f" (as {taken['username']!r})"
            raise UserError(f"username {username!r} is taken{also}")
        return (
            db.table("users")
            .insert(
                {
                    "username": username,
                    "password_hash": password_hash,
                    "role": role,
                    "active": 1,
                    "created": stamp,
                    "updated": stamp,
                }
            )
            .last_pk
        )


def get_user(db: Database, user_id: int) -> dict | None:
    return first_row(db, "select * from users where id = ?", [user_id])


def get_user_by_name(db: Database, username: str) -> dict | None:
    return first_row(db, "select * from users where username = ?", [username])


def list_users(db: Database) -> list[dict]:
    return list(db.query("select id, username, role, active, created from users order by username"))


def user_named(db: Database, username: str) -> dict | None:
    """The account a sign-in name stands for: matched regardless of case, an exact match
    first (for accounts made before `create_user` kept names unique in any case)."""
    return first_row(
        db,
        "select * from users where username = ? collate nocase order by username = ? desc",
        [username, username],
    )


def authenticate(db: Database, username: str, password: str) -> dict | None:
    """The active user with this username and password, or None (never saying which was wrong).

    The username is matched regardless of case, as `create_user` keeps names unique (an exact
    match first, for accounts made before that rule)."""
    user = user_named(db, username or "")
    try:
        _hasher.verify(user["password_hash"] if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user["active"]:
        return None
    if _hasher.check_needs_rehash(user["password_hash"]):
        # The same password under newer hashing parameters: sessions stay open.
        user["password_hash"] = _hasher.hash(password)
        db.table("users").update(user["id"], {"password_hash": user["password_hash"]})
    return user


def end_sessions(db: Database, user_id: int) -> None:
    """Sign the account out everywhere: sessions carry `session_version`, which moves on.

    Flask's session is a signed cookie the server keeps no copy of; a cookie copied before
    signing out would otherwise keep working.
    """
    with db.atomic():
        db.execute("update users set session_version = session_version + 1 where id = ?", [user_id])


def set_password(db: Database, user_id: int, password: str) -> None:
    """Change the password, signing the account out of every session."""
    _check("x", password, None)
    with db.atomic():
        db.table("users").update(
            user_id, {"password_hash": _hasher.hash(password), "updated": now()}
        )
        end_sessions(db, user_id)


def set_queue_order(db: Database, user_id: int, order: str) -> None:
    """Remember the queue order the account chose (the caller checks it is a known one)."""
    with db.atomic():
        db.execute(
            "update users set queue_order = ?, updated = ? where id = ?", [order, now(), user_id]
        )


def set_role(db: Database, user_id: int, role: str) -> None:
    """Change a role; the last active admin cannot lose the admin role."""
    _check("x", None, role)
    _keep_an_admin(db, user_id, role == ADMIN)
    db.table("users").update(user_id, {"role": role, "updated": now()})


def set_active(db: Database, user_id: int, active: bool) -> None:
    """Turn an account on or off (its labels stay; off ends its sessions); the last active
    admin stays active."""
    _keep_an_admin(db, user_id, active)
    with db.atomic():
        db.table("users").update(user_id, {"active": int(active), "updated": now()})
        if not active:
            end_sessions(db, user_id)
            release_places_of(db, get_user(db, user_id)["username"])


def _keep_an_admin(db: Database, user_id: int, stays_admin: bool) -> None:
    user = get_user(db, user_id)
    if user is None:
        raise UserError(f"no user with id {user_id}")
    others = db.execute(
        "select count(*) from users where role = ? and active = 1 and id != ?", [ADMIN, user_id]
    ).fetchone()[0]
    if user["role"] == ADMIN and user["active"] and not stays_admin and others == 0:
        raise UserError("the project needs at least one active admin")
