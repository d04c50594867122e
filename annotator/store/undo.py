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
            key = {"mention_id": change["mention_id"], "annotator": annotator}
            _put_back(db, "annotations", change["previous"], key)
        if "review" in undo:
            key = {"sentence_id": decision["sentence_id"], "annotator": annotator}
            _put_back(db, "reviews", undo["review"], key)
        if "flag" in undo:
            db.execute(
                "delete from flags where sentence_id = ? and annotator = ?",
                [decision["sentence_id"], annotator],
            )
            if undo["flag"]:
                insert_row(db, "flags", undo["flag"])
        db.execute("delete from decisions where id = ?", [decision["id"]])
    return decision["sentence_id"]


def _put_back(db: Database, table: str, previous: dict | None, key: dict) -> None:
    """Restore the row a decision replaced, or delete the row it created."""
    if previous:
        upsert_row(db, table, previous, tuple(key))
    else:
        where = " and ".join(f"[{column}] = ?" for column in key)
        db.execute(f"delete from [{table}] where {where}", list(key.values()))
