"""Settings of the learning loop, and when it is due to run by itself.

The loop (`annotator learn`, Train now on the Models page) trains on the project's gold and
promotes the new model only when it beats the active one by `promotion_margin`. With
`learn_every` set, it also runs by itself once that many new gold labels have come in since
it last ran.
"""

from __future__ import annotations

from sqlite_utils import Database

from .database import get_setting, set_setting
from .gold import gold_count

LEARN_EVERY_SETTING = "learn_every"
MARGIN_SETTING = "promotion_margin"
PROJECT_SETTING = "project_id"  # names the project in the models the loop trains for it
LEARNED_AT_SETTING = "learned_at_gold"  # gold labels when the loop last trained
CHECKED_AT_SETTING = "learning_checked_at"  # the newest label's rowid when last checked
DEFAULT_MARGIN = 0.01
MAX_MARGIN = 0.2
MAX_LEARN_EVERY = 100_000


def project_id(db: Database) -> str:
    """A random id of this project, made the first time it is asked for. Databases in one
    folder share its `models/` folder; a learned model records this id, so each project's
    learning history shows only its own models."""
    import uuid

    known = get_setting(db, PROJECT_SETTING)
    if known is not None:  # pages read it on every view: no write once it exists
        return known
    with db.atomic():
        db.execute(
            "insert or ignore into settings (key, value) values (?, ?)",
            [PROJECT_SETTING, uuid.uuid4().hex],
        )
    return get_setting(db, PROJECT_SETTING)


def learn_every(db: Database) -> int:
    """New gold labels that start a learning run by themselves; 0 when that is off."""
    return int(get_setting(db, LEARN_EVERY_SETTING) or 0)


def set_learn_every(db: Database, count: int) -> None:
    if not 0 <= count <= MAX_LEARN_EVERY:
        raise ValueError(f"learn every: 0 (off) to {MAX_LEARN_EVERY} gold labels")
    set_setting(db, LEARN_EVERY_SETTING, str(count))


def promotion_margin(db: Database) -> float:
    """How much better (macro-F1) a new model must be than the active one to replace it."""
    value = get_setting(db, MARGIN_SETTING)
    return DEFAULT_MARGIN if value is None else float(value)


def set_promotion_margin(db: Database, margin: float) -> None:
    if not 0 <= margin <= MAX_MARGIN:
        raise ValueError(f"promotion margin: 0 to {MAX_MARGIN} macro-F1")
    set_setting(db, MARGIN_SETTING, repr(float(margin)))


def learned_at(db: Database) -> int:
    """How many gold labels the project had when the loop last trained (0 before)."""
    return int(get_setting(db, LEARNED_AT_SETTING) or 0)


def record_learned(db: Database, gold: int) -> None:
    set_setting(db, LEARNED_AT_SETTING, str(gold))


def learning_due(db: Database) -> bool:
    """Whether `learn_every` new gold labels have come in since the loop last trained.

    Called after every label, so it stays cheap: gold is counted (a scan of the labels)
    only once another `learn_every` labels have been written since it was last counted.
    """
    every = learn_every(db)
    if not every:
        return False
    newest = db.execute("select coalesce(max(rowid), 0) from annotations").fetchone()[0]
    if newest - int(get_setting(db, CHECKED_AT_SETTING) or 0) < every:
        return False
    set_setting(db, CHECKED_AT_SETTING, str(newest))
    return gold_count(db) - learned_at(db) >= every
