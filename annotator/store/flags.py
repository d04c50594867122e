"""Flags: an annotator marks a sentence as uncertain, with a reason and a comment."""

from __future__ import annotations

from sqlite_utils import Database

from .assignments import require_holder
from .corpus import get_sentence
from .database import first_row, now
from .decision_log import log_decision
from .review import ReviewError

REASONS = ("sarcasm", "reported speech", "implicit target", "wrong actor", "other")
MAX_COMMENT = 1000


def flag_for(db: Database, sentence_id: str, annotator: str) -> dict | None:
    """The annotator's flag on the sentence, or None."""
    return first_row(
        db,
        "select * from flags where sentence_id = ? and annotator = ?",
        [sentence_id, annotator],
    )


def flag_sentence(
    db: Database, annotator: str, sentence_id: str, reason: str, comment: str = ""
) -> None:
    """Flag (or re-flag) a sentence; undo restores the previous flag, or none."""
    if reason not in REASONS:
        raise ReviewError(f"reason {reason!r} is not one of {', '.join(REASONS)}")
    if get_sentence(db, sentence_id) is None:
        raise ReviewError(f"no sentence with id {sentence_id!r}")
    comment = (comment or "").strip()[:MAX_COMMENT]
    with db.atomic():
        require_holder(db, sentence_id, annotator)
        previous = flag_for(db, sentence_id, annotator)
        db.execute(
            "delete from flags where sentence_id = ? and annotator = ?", [sentence_id, annotator]
        )
        db.table("flags").insert(
            {
                "sentence_id": sentence_id,
                "annotator": annotator,
                "reason": reason,
                "comment": comment,
                "created": now(),
            }
        )
        log_decision(db, annotator, sentence_id, "flag", {"annotations": [], "flag": previous})


def list_flags(db: Database) -> list[dict]:
    """Every flag with its sentence, newest first."""
    return list(
        db.query(
            """
            select f.*, s.text, s.document_id, d.title
            from flags f
            join sentences s on s.id = f.sentence_id
            join documents d on d.id = s.document_id
            order by f.id desc
            """
        )
    )
