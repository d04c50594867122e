"""The log of an annotator's decisions: each with what reverses it (the undo entry that
`undo.undo_last` replays) and the time it took."""

from __future__ import annotations

import json

from sqlite_utils import Database

from .database import first_row, insert_row, now, seconds_between

PAUSE_SECONDS = 300  # a longer gap between two decisions is a break, not decision time


def log_decision(db: Database, annotator: str, sentence_id: str, action: str, undo: dict) -> int:
    """Record a decision with what reverses it, for `undo_last`, and the time it took."""
    stamp = now()
    previous = first_row(
        db,
        "select created from decisions where annotator = ? order by id desc limit 1",
        [annotator],
    )
    return insert_row(
        db,
        "decisions",
        {
            "annotator": annotator,
            "sentence_id": sentence_id,
            "action": action,
            "undo": json.dumps(undo),
            "created": stamp,
            "seconds": seconds_taken(previous["created"], stamp) if previous else None,
        },
    )


def seconds_taken(earlier: str, later: str) -> float | None:
    """Seconds between two timestamps; None after a pause, which is no decision time."""
    seconds = seconds_between(earlier, later)
    return round(seconds, 3) if 0 <= seconds <= PAUSE_SECONDS else None
