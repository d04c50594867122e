"""Fixing actors in place: drop a wrong mention, or move a mention to another actor.

Both are decisions of the annotator who makes them, so `undo_last` reverses them: a
dropped mention comes back with its predictions and labels.
"""

from __future__ import annotations

from sqlite_utils import Database

from .corpus import ensure_actor
from .database import first_row
from .review import ReviewError, log_decision

MAX_ACTOR_NAME = 100


def _mention(db: Database, mention_id: int) -> dict:
    mention = first_row(
        db,
        """select m.*, s.document_id, ac.kind from mentions m
           join sentences s on s.id = m.sentence_id join actors ac on ac.id = m.actor_id
           where m.id = ?""",
        [mention_id],
    )
    if mention is None:
        raise ReviewError(f"no mention with id {mention_id}")
    return mention


def reassign_mention(db: Database, annotator: str, mention_id: int, actor_name: str) -> str:
    """Make the mention belong to the document's actor `actor_name` (created if new)."""
    name = " ".join((actor_name or "").split())
    if not name or len(name) > MAX_ACTOR_NAME:
        raise ReviewError(f"an actor name needs 1 to {MAX_ACTOR_NAME} characters")
    mention = _mention(db, mention_id)
    with db.atomic():
        actor_id = ensure_actor(db, mention["document_id"], name, mention["kind"])
        db.table("mentions").update(mention_id, {"actor_id": actor_id})
        log_decision(
            db,
            annotator,
            mention["sentence_id"],
            "reassign",
            {"annotations": [], "mention_actor": [mention_id, mention["actor_id"]]},
        )
    return mention["sentence_id"]


def remove_mention(db: Database, annotator: str, mention_id: int) -> str:
    """Drop a span that names no actor, with its predictions and everyone's labels on it."""
    mention = _mention(db, mention_id)
    rows = {
        "mentions": [db.table("mentions").get(mention_id)],
        "predictions": list(
            db.query("select * from predictions where mention_id = ?", [mention_id])
        ),
        "annotations": list(
            db.query("select * from annotations where mention_id = ?", [mention_id])
        ),
    }
    with db.atomic():
        db.execute("delete from annotations where mention_id = ?", [mention_id])
        db.execute("delete from predictions where mention_id = ?", [mention_id])
        db.execute("delete from mentions where id = ?", [mention_id])
        log_decision(
            db, annotator, mention["sentence_id"], "remove", {"annotations": [], "restore": rows}
        )
    return mention["sentence_id"]


def undo_mention_edit(db: Database, undo: dict) -> None:
    """The part of `undo_last` that reverses a reassignment or a removal."""
    if "mention_actor" in undo:
        mention_id, actor_id = undo["mention_actor"]
        db.table("mentions").update(mention_id, {"actor_id": actor_id})
    for table in ("mentions", "predictions"):
        for row in undo.get("restore", {}).get(table, []):
            db.table(table).insert(row, pk="id")
    for row in undo.get("restore", {}).get("annotations", []):
        db.table("annotations").insert(row, pk=("mention_id", "annotator"))
