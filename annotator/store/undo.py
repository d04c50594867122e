"""Undo: reverse an annotator's latest decision, one at a time, back through the session.

Every decision is logged with what reverses it (see `review.log_decision`); this module
applies that record, whichever module made the decision.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from .database import first_row, insert_row, upsert_row
from .mention_edits import undo_mention_edit
from .overall import undo_overall


def _mention_exists(db: Database, mention_id: int) -> bool:
    return first_row(db, "select 1 from mentions where id = ?", [mention_id]) is not None


def undo_last(db: Database, annotator: str) -> str | None:
    """Reverse the annotator's latest decision; return its sentence id, or None if none is left."""
    decision = first_row(
        db, "select * from decisions where annotator = ? order by id desc limit 1", [annotator]
    )
    if decision is None:
        return None
    undo = json.loads(decision["undo"])
    with db.atomic():
        undo_mention_edit(db, undo)
        undo_overall(db, undo)
        for change in reversed(undo["annotations"]):
            if not _mention_exists(db, change["mention_id"]):
                continue  # dropped since by someone else: its labels went with it
            if change["previous"]:
                upsert_row(db, "annotations", change["previous"], ("mention_id", "annotator"))
            else:
                db.execute(
                    "delete from annotations where mention_id = ? and annotator = ?",
                    [change["mention_id"], annotator],
                )
        if "review" in undo:
            if undo["review"]:
                upsert_row(db, "reviews", undo["review"], ("sentence_id", "annotator"))
            else:
                db.execute(
                    "delete from reviews where sentence_id = ? and annotator = ?",
                    [decision["sentence_id"], annotator],
                )
        if "flag" in undo:
            db.execute(
                "delete from flags where sentence_id = ? and annotator = ?",
                [decision["sentence_id"], annotator],
            )
            if undo["flag"]:
                insert_row(db, "flags", undo["flag"])
        db.execute("delete from decisions where id = ?", [decision["id"]])
    return decision["sentence_id"]
