"""The queue's walk to the next free sentence, started where the annotator's last walk stopped.

A walk reads a queue order's index from its start and passes every open sentence the annotator
already holds. With k = 1 there are none (a sentence they hold is full), but with k >= 2 an
annotator working ahead of the others passes every sentence they did that still has a free
place: ~1 µs each, 3 ms after 3,000, a second after a million. So each annotator has a mark per
order, the place of the last sentence their walk claimed, and the next walk starts there.

A mark holds while every open sentence before it is held by its annotator. Claims only keep
that true; what can break it is a place freed, a sentence joining the queue or moving in its
order, or an import published. Each of those bumps one counter (triggers, whatever code writes
them), and a mark made before the last bump is not used: that walk starts from the beginning,
as every walk did before, and leaves a fresh mark.
"""

from __future__ import annotations

from sqlite_utils import Database

from .database import first_row
from .imports import published_sentence
from .priority import OPEN, ORDER_BY
from .priority import TABLE as PRIORITY

MARKS, CHANGES = "walk_marks", "queue_changes"


def create_walk_marks(db: Database) -> None:
    """Create the marks, the change counter, and the triggers that bump it."""
    db.table(MARKS).create(
        {
            "annotator": str,
            "walk": str,
            "margin": float,
            "document_rowid": int,
            "position": int,
            "generation": int,
        },
        pk=("annotator", "walk"),
        not_null={"document_rowid", "position", "generation"},
    )
    db.execute(
        f"create table {CHANGES} (id integer primary key check (id = 1),"
        " generation integer not null)"
    )
    db.execute(f"insert into {CHANGES} values (1, 0)")
    bump = f"update {CHANGES} set generation = generation + 1 where id = 1;"
    db.execute(f"create trigger {CHANGES}_place_freed after delete on assignments begin {bump} end")
    db.execute(f"create trigger {CHANGES}_joined after insert on {PRIORITY} begin {bump} end")
    db.execute(
        f"""create trigger {CHANGES}_moved after update on {PRIORITY}
          when old.margin is not new.margin or old.document_rowid != new.document_rowid
            or old.position != new.position or (old.full and not new.full)
          begin {bump} end"""
    )
    db.execute(
        f"""create trigger {CHANGES}_published after update of import_id on documents
          when new.import_id is null and old.import_id is not null begin {bump} end"""
    )


def generation(db: Database) -> int:
    """The change counter: read before a walk, written with the mark the walk leaves."""
    return db.execute(f"select generation from {CHANGES} where id = 1").fetchone()[0]


def first_free(db: Database, annotator: str, order: str, k: int, since: int) -> str | None:
    """The first sentence in the order that the annotator does not hold and fewer than k
    annotators do, walking from their mark when no change came after it (`since` is the
    counter read before this walk)."""
    mark = first_row(
        db,
        f"select * from {MARKS} where annotator = ? and walk = ? and generation = ?",
        [annotator, order, since],
    )
    for after, order_by in _segments(order, mark):
        row = first_row(
            db,
            f"""
            select q.sentence_id as id from {PRIORITY} q indexed by {PRIORITY}_{order}
            where q.{OPEN} and {after} and {published_sentence("q.sentence_id")}
              and not exists (select 1 from assignments a
                              where a.sentence_id = q.sentence_id and a.annotator = :annotator)
              and (select count(*) from assignments a where a.sentence_id = q.sentence_id) < :k
            order by {order_by}
            limit 1
            """,
            {"annotator": annotator, "k": k, **(mark or {})},
        )
        if row:
            return row["id"]
    return None


def _segments(order: str, mark: dict | None) -> list[tuple[str, str]]:
    """The parts of the order's index to read in turn, as (SQL condition, order by). Each is
    a range of the index SQLite seeks to; a margin that may be null takes two, since a row
    value holding a null compares as unknown."""
    if mark is None:
        return [("true", ORDER_BY[order])]
    in_document = "(q.document_rowid, q.position) > (:document_rowid, :position)"
    if order == "document":
        return [(in_document, ORDER_BY[order])]
    unscored = "(q.margin is null) = 1 and q.margin is null"
    if mark["margin"] is None:
        return [(f"{unscored} and {in_document}", "document_rowid, position")]
    scored = (
        "(q.margin is null) = 0 and (q.margin, q.document_rowid, q.position)"
        " > (:margin, :document_rowid, :position)"
    )
    return [(scored, "margin, document_rowid, position"), (unscored, "document_rowid, position")]


def leave_mark(db: Database, annotator: str, order: str, sentence_id: str, since: int) -> None:
    """Start the annotator's next walk of the order after the sentence their walk just
    claimed; `since` is the counter read before that walk. Run it in the claim's transaction."""
    db.execute(
        f"""insert or replace into {MARKS}
          (annotator, walk, margin, document_rowid, position, generation)
          select :annotator, :order, margin, document_rowid, position, :since
          from {PRIORITY} where sentence_id = :sentence""",
        {"annotator": annotator, "order": order, "sentence": sentence_id, "since": since},
    )
