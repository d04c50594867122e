"""Where a project's background model runs go: the address of a Ray cluster and how many
model-holding workers to ask of it. Unset, they run in the worker process itself."""

from __future__ import annotations

import re

from sqlite_utils import Database

from .database import get_setting, set_setting

ADDRESS_SETTING, WORKERS_SETTING = "ray_address", "ray_workers"
DEFAULT_WORKERS, MAX_WORKERS = 1, 1024
# "auto" (the cluster this machine belongs to), host:port or ray://host:port (Ray Client)
ADDRESS = re.compile(r"^(auto|(ray://)?[A-Za-z0-9][A-Za-z0-9.-]{0,252}:\d{1,5})$")


def valid_address(text: str) -> bool:
    """`auto`, or HOST:PORT / ray://HOST:PORT with a port from 1 to 65535."""
    if not ADDRESS.fullmatch(text):
        return False
    port = text.rpartition(":")[2]
    return text == "auto" or 1 <= int(port) <= 65535


def ray_address(db: Database) -> str | None:
    return get_setting(db, ADDRESS_SETTING) or None


def ray_workers(db: Database) -> int:
    value = get_setting(db, WORKERS_SETTING)
    try:
        return min(MAX_WORKERS, max(1, int(value))) if value else DEFAULT_WORKERS
    except ValueError:  # written by hand: the default rather than a failed job
        return DEFAULT_WORKERS


def set_ray_cluster(db: Database, address: str | None, workers: int) -> None:
    """Point background model runs at a cluster (`address`), or back at the worker (None)."""
    if address is not None and not valid_address(address):
        raise ValueError(f"not a Ray address: {address!r}")
    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"Ray workers: 1 to {MAX_WORKERS}")
    with db.atomic():
        set_setting(db, ADDRESS_SETTING, address or "")
        set_setting(db, WORKERS_SETTING, str(workers))
