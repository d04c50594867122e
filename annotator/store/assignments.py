"""Assignments: which annotators hold a sentence. The queue claims them; reviews imply them."""

from __future__ import annotations

from sqlite_utils import Database

from .database import now


def claim(db: Database, sentence_id: str, annotator: str) -> None:
    """Record that the annotator holds the sentence (nothing happens if they already do)."""
    db.execute(
        "insert or ignore into assignments (sentence_id, annotator, created) values (?, ?, ?)",
        [sentence_id, annotator, now()],
    )
