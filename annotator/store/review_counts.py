"""How many sentences each annotator has finished, kept by SQLite as reviews are written.

Counting an annotator's done reviews reads one index entry per review: 5 ms at 40,000, and
the review page asks on every card (the progress figure, and which order the fair share
walks next). A row per annotator, kept by triggers on `reviews` whatever code writes them,
answers in one lookup.
"""

from __future__ import annotations

from sqlite_utils import Database

from .review_states import DONE

TABLE = "review_counts"


def create_review_counts(db: Database) -> None:
    """Create the kept counts with their triggers, counted once from the reviews stored."""
    db.table(TABLE).create({"annotator": str, "done": int}, pk="annotator", not_null={"done"})
    db.execute(
        f"insert into {TABLE} (annotator, done) select annotator, count(*) from reviews"
        f" where status = '{DONE}' group by annotator"
    )

    def add(who: str, step: int) -> str:
        return (
            f"insert into {TABLE} (annotator, done) values ({who}, {step})"
            f" on conflict (annotator) do update set done = done + {step};"
        )

    done = f"'{DONE}'"
    db.execute(
        f"""create trigger {TABLE}_insert after insert on reviews when new.status = {done}
          begin {add("new.annotator", 1)} end"""
    )
    db.execute(
        f"""create trigger {TABLE}_delete after delete on reviews when old.status = {done}
          begin {add("old.annotator", -1)} end"""
    )
    db.execute(
        f"""create trigger {TABLE}_update after update of status, annotator on reviews
          when (old.status = {done}) or (new.status = {done})
          begin
            {add("old.annotator", f"-(old.status = {done})")}
            {add("new.annotator", f"(new.status = {done})")}
          end"""
    )


def done_count(db: Database, annotator: str) -> int:
    """How many sentences the annotator has finished reviewing."""
    row = db.execute(f"select done from {TABLE} where annotator = ?", [annotator]).fetchone()
    return row[0] if row else 0
