"""Assignments: which annotators hold a sentence, and who may act on it.

The queue claims sentences; a decision on a sentence opened by its URL claims a free place.
At most k annotators (the project's overlap) hold each sentence, and only they act on it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from .database import first_row, now, set_setting

OVERLAP_SETTING = "overlap"
MAX_OVERLAP = 20
# A place held this long with no decision on its sentence (opened, then left) is given to
# another annotator who has nothing else left; the holder, back later, is told it was taken.
IDLE_PLACE = timedelta(hours=1)
# A held place on which its holder has decided nothing: no label, skip, flag or answer
# (an undone decision leaves no trace either).
_UNDECIDED = """finished = 0 and not exists (select 1 from decisions d
  where d.annotator = assignments.annotator and d.sentence_id = assignments.sentence_id)"""


class NotHolderError(PermissionError):
    """A decision on a sentence whose every place is held by other annotators."""


def create_assignments_table(db: Database) -> None:
    """Create the assignments table; each existing review holds one of its sentence's places."""
    db.table("assignments").create(
        {"sentence_id": str, "annotator": str, "created": str},
        pk=("sentence_id", "annotator"),
        foreign_keys=[("sentence_id", "sentences", "id")],
    )
    db.table("assignments").create_index(["annotator", "created"])
    db.execute(
        "insert or ignore into assignments (sentence_id, annotator, created)"
        " select sentence_id, annotator, updated from reviews"
    )


# k in SQL: the `overlap` setting when it is a whole number above 0, else 1.
OVERLAP_SQL = f"""coalesce((select cast(value as integer) from settings
  where key = '{OVERLAP_SETTING}' and value glob '[0-9]*' and value not glob '*[^0-9]*'
    and cast(value as integer) > 0), 1)"""


def full_sql(sentence: str) -> str:
    """SQL for whether k annotators hold the sentence whose id is the SQL `sentence`."""
    return f"(select count(*) from assignments where sentence_id = {sentence}) >= {OVERLAP_SQL}"


def overlap(db: Database) -> int:
    """k: how many different annotators review each sentence (the `overlap` setting)."""
    return db.execute(f"select {OVERLAP_SQL}").fetchone()[0]


def set_overlap(db: Database, k: int) -> None:
    if not 1 <= k <= MAX_OVERLAP:
        raise ValueError(f"the overlap must be between 1 and {MAX_OVERLAP}")
    set_setting(db, OVERLAP_SETTING, str(k))


def claim(db: Database, sentence_id: str, annotator: str) -> None:
    """Record that the annotator holds the sentence (nothing happens if they already do)."""
    db.execute(
        "insert or ignore into assignments (sentence_id, annotator, created) values (?, ?, ?)",
        [sentence_id, annotator, now()],
    )


def claim_free_place(db: Database, sentence_id: str, annotator: str) -> bool:
    """Claim the sentence for the annotator if they do not hold it and fewer than k annotators
    do; return whether they did. Run it in the write transaction that decided to claim."""
    return (
        db.execute(
            """
            insert or ignore into assignments (sentence_id, annotator, created)
            select :sentence, :annotator, :created
            where (select count(*) from assignments where sentence_id = :sentence) < :k
            """,
            {"sentence": sentence_id, "annotator": annotator, "created": now(), "k": overlap(db)},
        ).rowcount
        == 1
    )


def release_idle_places(db: Database, besides: str) -> int:
    """Free the places other annotators than `besides` took over `IDLE_PLACE` ago and decided
    nothing on (a sentence opened and left, a lead's look through the queue), so that a place
    is never held for good by someone who is not working on it; return how many. The queue
    calls this when it has nothing else for `besides`."""
    cutoff = (datetime.now(UTC) - IDLE_PLACE).isoformat(timespec="milliseconds")
    with db.atomic():
        return db.execute(
            f"delete from assignments where {_UNDECIDED} and created < ? and annotator != ?",
            [cutoff, besides],
        ).rowcount


def release_places_of(db: Database, annotator: str) -> int:
    """Free every place the annotator holds without a decision on it (an account switched
    off); their decisions, and the places those hold, stay. Runs in the caller's
    transaction."""
    return db.execute(
        f"delete from assignments where {_UNDECIDED} and annotator = ?", [annotator]
    ).rowcount


def may_act_on(db: Database, sentence_id: str, annotator: str) -> bool:
    """Whether the sentence is the annotator's: they hold it, or fewer than k annotators do."""
    row = first_row(
        db,
        """
        select exists (select 1 from assignments where sentence_id = :s and annotator = :a)
                 as holds,
               (select count(*) from assignments where sentence_id = :s) as holders
        """,
        {"s": sentence_id, "a": annotator},
    )
    return bool(row["holds"]) or row["holders"] < overlap(db)


def require_holder(db: Database, sentence_id: str, annotator: str, anywhere: bool = False) -> None:
    """Let the annotator open or decide on the sentence only if it is theirs.

    A free place is claimed, so that a sentence opened by its URL holds a place like one
    served by the queue; otherwise NotHolderError. `anywhere` is for leads, who look at any
    sentence and fix actors anywhere: nothing is checked or claimed. Decisions call this
    inside their own write transaction, so a refused or failed decision claims nothing, and
    two annotators never take the last place.
    """
    if anywhere:
        return
    with db.atomic():
        if not may_act_on(db, sentence_id, annotator):
            places = overlap(db)
            held = "another annotator" if places == 1 else f"{places} other annotators"
            raise NotHolderError(
                f"Sentence {sentence_id} is held by {held}, as many as the project asks to"
                " review it; it is not in your queue. (A place left for an hour with no"
                " decision on it goes to an annotator who has nothing else to do.)"
            )
        claim(db, sentence_id, annotator)
