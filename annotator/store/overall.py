"""The optional second question: each sentence's overall sentiment, asked after its actors.

A project turns it on with the `overall_question` setting. Answering it is one decision,
like labelling the last actor: it finishes the sentence and one undo reverses it.
"""

from __future__ import annotations

from sqlite_utils import Database

from annotator.schemes import OVERALL_LABELS

from .corpus import get_sentence
from .database import first_row, get_setting, insert_row, set_setting, upsert_stamped

SETTING = "overall_question"


def question_enabled(db: Database) -> bool:
    """Whether the project asks for each sentence's overall sentiment."""
    return get_setting(db, SETTING) == "on"


def set_question(db: Database, enabled: bool) -> None:
    set_setting(db, SETTING, "on" if enabled else "off")


def overall_label(db: Database, sentence_id: str, annotator: str) -> dict | None:
    """The annotator's answer for the sentence, or None."""
    return first_row(
        db,
        "select * from sentence_labels where sentence_id = ? and annotator = ?",
        [sentence_id, annotator],
    )


def question_open(db: Database, sentence_id: str, annotator: str) -> bool:
    """Whether the project asks the question and the annotator has not answered it yet."""
    return question_enabled(db) and overall_label(db, sentence_id, annotator) is None


def write_overall(db: Database, sentence_id: str, annotator: str, label: str) -> dict | None:
    """Store the annotator's answer; return the row it replaced (for undo)."""
    if label not in OVERALL_LABELS:
        raise ValueError(f"overall label {label!r} is not one of {', '.join(OVERALL_LABELS)}")
    if get_sentence(db, sentence_id) is None:
        raise ValueError(f"no sentence with id {sentence_id!r}")
    return upsert_stamped(
        db,
        "sentence_labels",
        {"sentence_id": sentence_id, "annotator": annotator, "label": label},
        ("sentence_id", "annotator"),
    )


def undo_overall(db: Database, undo: dict) -> None:
    """The part of `undo_last` that restores an earlier answer (or none)."""
    if "overall" not in undo:
        return
    sentence_id, annotator, previous = undo["overall"]
    db.execute(
        "delete from sentence_labels where sentence_id = ? and annotator = ?",
        [sentence_id, annotator],
    )
    if previous:
        insert_row(db, "sentence_labels", previous)
