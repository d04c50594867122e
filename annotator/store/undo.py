"""Undo: reverse an annotator's latest decision, one at a time, back through the session.

Every decision is logged with what reverses it (see `decision_log.log_decision`); this module
applies that record, whichever module made the decision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlite_utils import Database

from .database import first_row, insert_row, upsert_row
from .mention_edits import undo_mention_edit
from .overall import undo_overall


@dataclass(frozen=True)
class Undone:
    """What `undo_last` reversed: the decision's kind, its sentence and the mention it was
    about (None for a skip, a flag, the overall answer or an addition, whose mention is gone)."""

    action: str
    sentence_id: str
    mention_id: int | None

    @property
    def overall(self) -> bool:
        """Whether the decision answered the sentence's overall question."""
        return self.action.startswith("overall")


def _mention_exists(db: Database, mention_id: int) -> bool:
    return first_row(db, "select 1 from mentions where id = ?", [mention_id]) is not None


def _mention_of(undo: dict, overall: bool) -> int | None:
    """The mention a decision was about: the one relabelled, moved or brought back, or for an
    accept the first actor that took its pre-label."""
    if "mention_actor" in undo:
        return undo["mention_actor"][0]
    if undo.get("restore", {}).get("mentions"):
        return undo["restore"]["mentions"][0]["id"]
    if undo["annotations"] and not overall:
        return undo["annotations"][0]["mention_id"]
    return None


def undo_last(db: Database, annotator: str) -> Undone | None:
    """Reverse the annotator's latest decision and say what it was; None if none is left."""
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
    undone = Undone(decision["action"], decision["sentence_id"], None)
    mention_id = _mention_of(undo, undone.overall)
    if mention_id is None or not _mention_exists(db, mention_id):
        return undone  # about no mention, or one dropped since by someone else
    return replace(undone, mention_id=mention_id)


def _put_back(db: Database, table: str, previous: dict | None, key: dict) -> None:
    """Restore the row a decision replaced, or delete the row it created."""
    if previous:
        upsert_row(db, table, previous, tuple(key))
    else:
        where = " and ".join(f"[{column}] = ?" for column in key)
        db.execute(f"delete from [{table}] where {where}", list(key.values()))
