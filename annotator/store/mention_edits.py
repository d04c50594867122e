"""Fixing actors in place: add a missed mention, drop a wrong one, or move one to another actor.

All three are decisions of the annotator who makes them, so `undo.undo_last` reverses them: a
dropped mention comes back with its predictions and labels. An annotator fixes actors only in
the sentences they hold (`assignments.require_holder`); a lead (`lead=True`) fixes them anywhere.
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from .assignments import NotHolderError, require_holder
from .corpus import ensure_actor, insert_mention
from .database import first_row, insert_row
from .decision_log import log_decision
from .imports import published
from .priority import refresh_priority
from .queue import count_sentences_with_actors
from .review import ReviewError, no_mention

MAX_ACTOR_NAME = 100


def _mention(db: Database, mention_id: int) -> dict:
    mention = first_row(
        db,
        f"""select m.*, s.document_id, ac.kind from mentions m
           join sentences s on s.id = m.sentence_id join actors ac on ac.id = m.actor_id
           where m.id = ? and {published("s.document_id")}""",
        [mention_id],
    )
    if mention is None:
        raise no_mention(mention_id)
    return mention


class LabelledByOthersError(NotHolderError):
    """A move or removal of a mention another annotator has labelled, by an annotator."""


def _require_no_other_labels(db: Database, mention: dict, annotator: str, lead: bool) -> None:
    """An annotator never moves or removes a mention someone else has labelled (their label
    would change meaning or vanish without them knowing); a lead may."""
    if lead:
        return
    other = first_row(
        db,
        "select annotator from annotations where mention_id = ? and annotator != ? limit 1",
        [mention["id"], annotator],
    )
    if other is not None:
        raise LabelledByOthersError(
            f"Another annotator has labelled “{mention['text']}”: only a lead can move or"
            " remove it."
        )


def reassign_mention(
    db: Database, annotator: str, mention_id: int, actor_name: str, lead: bool = False
) -> str:
    """Make the mention belong to the document's actor `actor_name` (created if new)."""
    name = " ".join((actor_name or "").split())
    if not name or len(name) > MAX_ACTOR_NAME:
        raise ReviewError(f"an actor name needs 1 to {MAX_ACTOR_NAME} characters")
    mention = _mention(db, mention_id)
    with db.atomic():
        require_holder(db, mention["sentence_id"], annotator, anywhere=lead)
        _require_no_other_labels(db, mention, annotator, lead)
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


def _tables_referring_to_mentions(db: Database) -> list[str]:
    """Every table with a foreign key to `mentions`, read from the schema itself, so that a
    table added later is covered by `delete_mention` without anyone remembering to."""
    return sorted(
        table.name
        for table in db.tables
        if any(key.other_table == "mentions" for key in table.foreign_keys)
    )


def delete_mention(db: Database, mention_id: int) -> dict[str, list[dict]]:
    """Delete a mention and every row that refers to it; return them all, by table, for
    `restore_rows`. The one way a mention is ever deleted."""
    removed = {}
    for table in _tables_referring_to_mentions(db):
        removed[table] = list(
            db.query(f"select * from [{table}] where mention_id = ?", [mention_id])
        )
        db.execute(f"delete from [{table}] where mention_id = ?", [mention_id])
    removed["mentions"] = list(db.query("select * from mentions where id = ?", [mention_id]))
    db.execute("delete from mentions where id = ?", [mention_id])
    refresh_priority(db, (row["sentence_id"] for row in removed["mentions"]))
    return removed


def restore_rows(db: Database, removed: dict[str, list[dict]]) -> None:
    """Put back what `delete_mention` removed: the mention first, then what refers to it."""
    for table in sorted(removed, key=lambda name: name != "mentions"):
        for row in removed[table]:
            insert_row(db, table, row)
    refresh_priority(db, (row["sentence_id"] for row in removed.get("mentions", [])))


def remove_mention(db: Database, annotator: str, mention_id: int, lead: bool = False) -> str:
    """Drop a span that names no actor, with everything that refers to it (predictions,
    everyone's labels, an adjudication); undo brings all of it back."""
    mention = _mention(db, mention_id)
    with db.atomic():
        require_holder(db, mention["sentence_id"], annotator, anywhere=lead)
        _require_no_other_labels(db, mention, annotator, lead)
        rows = delete_mention(db, mention_id)
        log_decision(
            db, annotator, mention["sentence_id"], "remove", {"annotations": [], "restore": rows}
        )
        count_sentences_with_actors(db)
    return mention["sentence_id"]


def add_mention(
    db: Database,
    annotator: str,
    sentence_id: str,
    start: int,
    end: int,
    actor_name: str | None = None,
    lead: bool = False,
) -> int:
    """Mark `text[start:end]` of the sentence as a mention of `actor_name` (default: the words).

    The span is trimmed of surrounding spaces and must not overlap another mention.
    Returns the new mention's id.
    """
    sentence = first_row(
        db, "select id, document_id, text from sentences where id = ?", [sentence_id]
    )
    if sentence is None:
        raise ReviewError(f"no sentence with id {sentence_id!r}")
    with db.atomic():
        require_holder(db, sentence_id, annotator, anywhere=lead)
        start, end = _free_span(db, sentence, start, end)
        words = sentence["text"][start:end]
        name = " ".join((actor_name or words).split())
        if len(name) > MAX_ACTOR_NAME:
            raise ReviewError(f"an actor name needs 1 to {MAX_ACTOR_NAME} characters")
        known = first_row(
            db,
            "select id from actors where document_id = ? and name = ?",
            [sentence["document_id"], name],
        )
        actor_id = ensure_actor(db, sentence["document_id"], name, None)
        mention_id = insert_mention(db, sentence_id, actor_id, start, end, words)
        undo = {"annotations": [], "added_mention": mention_id}
        if known is None:
            undo["added_actor"] = actor_id
        log_decision(db, annotator, sentence_id, "add", undo)
        count_sentences_with_actors(db)
    return mention_id


def _free_span(db: Database, sentence: dict, start: int, end: int) -> tuple[int, int]:
    """The span trimmed of surrounding spaces; ReviewError if it is empty, outside the
    sentence or overlaps a mention."""
    text = sentence["text"]
    if not 0 <= start < end <= len(text):
        raise ReviewError(f"the span {start}-{end} is outside the sentence (0-{len(text)})")
    words = text[start:end]
    start, end = start + len(words) - len(words.lstrip()), end - len(words) + len(words.rstrip())
    if start >= end:
        raise ReviewError("select some words, not only spaces")
    overlap = first_row(
        db,
        "select text from mentions where sentence_id = ? and start < ? and end > ?",
        [sentence["id"], end, start],
    )
    if overlap is not None:
        raise ReviewError(f"“{text[start:end]}” overlaps the mention “{overlap['text']}”")
    return start, end


def find_words(db: Database, sentence_id: str, words: str) -> tuple[int, int, int]:
    """The first span of the sentence that is `words`, as whole words, and that no mention
    covers yet, and how many other such spans there are (the caller says so: the first may
    not be the place the annotator meant)."""
    sentence = first_row(db, "select text from sentences where id = ?", [sentence_id])
    if sentence is None:
        raise ReviewError(f"no sentence with id {sentence_id!r}")
    words = " ".join(words.split())
    taken = [
        (m["start"], m["end"])
        for m in db.query("select start, end from mentions where sentence_id = ?", [sentence_id])
    ]
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words.split()) + r"(?!\w)"
    free = [
        found.span()
        for found in (re.finditer(pattern, sentence["text"]) if words else ())
        if not any(s < found.end() and e > found.start() for s, e in taken)
    ]
    if not free:
        inside = words in sentence["text"]  # as part of a longer word, say
        raise ReviewError(
            f"“{words}” is not in the sentence as whole words, or is already a mention"
            if inside
            else f"“{words}” is not in the sentence, or is already a mention"
        )
    return (*free[0], len(free) - 1)


def undo_mention_edit(db: Database, undo: dict) -> None:
    """The part of `undo_last` that reverses an addition, a reassignment or a removal."""
    if "added_mention" in undo:
        delete_mention(db, undo["added_mention"])
        if "added_actor" in undo:
            db.execute(
                "delete from actors where id = ? and not exists"
                " (select 1 from mentions where actor_id = ?)",
                [undo["added_actor"], undo["added_actor"]],
            )
    if "mention_actor" in undo:
        mention_id, actor_id = undo["mention_actor"]
        db.table("mentions").update(mention_id, {"actor_id": actor_id})
    if "restore" in undo:
        restore_rows(db, undo["restore"])
    if "added_mention" in undo or "restore" in undo:
        count_sentences_with_actors(db)
