"""The review queue: which sentence an annotator sees next, and their progress."""

from __future__ import annotations

import math

from sqlite_utils import Database

from . import queue_walk
from .anchoring import hide_predictions, prelabels_hidden
from .assignments import claim_free_place, overlap, release_idle_places
from .corpus import get_sentence, mentions_of_sentences
from .database import first_row, get_setting, set_setting
from .imports import unpublished_sentence
from .overall import overall_label, question_enabled
from .prelabels import shown_token
from .priority import ORDER_BY
from .priority import TABLE as PRIORITY
from .review import ReviewError, review_row
from .review_counts import done_count
from .review_states import REQUEUED, SKIPPED

CONTEXT = 2  # neighbouring sentences shown on each side


BLIND_SETTING, TOTAL_SETTING = "blind", "sentences_with_actors"
ORDERS = tuple(ORDER_BY)
FAIR_SHARE_SETTING, DEFAULT_FAIR_SHARE, MAX_FAIR_SHARE = "fair_share", 0.2, 0.5


def fair_share(db: Database) -> float:
    """The share of an annotator's new sentences that "most uncertain first" takes in document
    order instead.

    Labels chosen hardest-first are a biased sample: a model fine-tuned on 3,000 of them scored
    0.708 macro-F1 where 3,000 taken at random reached 0.739 (benchmarks/README.md). A share
    taken in document order keeps part of the gold a fair sample of the corpus."""
    try:
        share = float(get_setting(db, FAIR_SHARE_SETTING) or DEFAULT_FAIR_SHARE)
    except ValueError:
        return DEFAULT_FAIR_SHARE
    if not math.isfinite(share):  # "nan" written into the database by hand
        return DEFAULT_FAIR_SHARE
    return min(max(share, 0.0), MAX_FAIR_SHARE)


def set_fair_share(db: Database, share: float) -> None:
    if not 0 <= share <= MAX_FAIR_SHARE:
        raise ValueError(f"the fair share must be between 0 and {MAX_FAIR_SHARE}")
    set_setting(db, FAIR_SHARE_SETTING, repr(float(share)))


def claim_order(db: Database, annotator: str, order: str) -> str:
    """The order a new claim walks: the annotator's order, except that "most uncertain first"
    takes the fair share in document order, spread evenly over their sentences (with 0.2, every
    fifth one), the same way on every visit: the n-th review finished decides the next claim."""
    share = fair_share(db) if order == "uncertainty" else 0.0
    if share <= 0:
        return order
    done = reviewed_count(db, annotator)
    return "document" if int((done + 1) * share) > int(done * share) else order


def blind(db: Database) -> bool:
    """Whether annotators work blind to each other's labels (the default)."""
    return get_setting(db, BLIND_SETTING) != "off"


def set_blind(db: Database, on: bool) -> None:
    set_setting(db, BLIND_SETTING, "on" if on else "off")


def others_labels(db: Database, sentence_id: str, annotator: str) -> dict[int, list[dict]]:
    """Other annotators' labels on the sentence's mentions, by mention id."""
    found: dict[int, list[dict]] = {}
    for row in db.query(
        """
        select a.mention_id, a.annotator, a.label from annotations a
        join mentions m on m.id = a.mention_id
        where m.sentence_id = ? and a.annotator != ? order by a.annotator
        """,
        [sentence_id, annotator],
    ):
        found.setdefault(row["mention_id"], []).append(row)
    return found


def next_sentence_id(db: Database, annotator: str, order: str = "document") -> str | None:
    """The annotator's next sentence, claiming a new one when they hold none.

    In turn: sentences sent back to them (requeued), those they hold but have not finished,
    a new sentence that fewer than k annotators hold (claimed now), then those they skipped.
    With no new sentence left, places other annotators took and left idle are freed first
    (`assignments.release_idle_places`) and the walk runs again.

    A new sentence is found without any lock, by walking the order's index (see `priority`)
    to the first sentence the annotator could claim, from where their last walk stopped
    (`queue_walk`). Only then is SQLite's write lock taken,
    to look at that one sentence again (and at the annotator's few unfinished ones) and claim
    it, so concurrent annotators never take more than k places on a sentence and nobody is
    served a sentence twice. A sentence claimed by others in between is passed over by the
    next walk.
    """
    if order not in ORDER_BY:
        raise ReviewError(f"unknown queue order {order!r} (use {' or '.join(ORDERS)})")
    # What the annotator already holds is theirs alone: reading it needs no lock.
    held = _held(db, annotator, order)
    if held:
        return held
    walk = claim_order(db, annotator, order)
    while True:
        since = queue_walk.generation(db)  # before k: a raise of k bumps it too
        k = overlap(db)
        candidate = queue_walk.first_free(db, annotator, walk, k, since)
        if candidate is None:
            if release_idle_places(db, besides=annotator):
                continue  # places others took and left: walk again
            break
        with db.atomic():
            held = _held(db, annotator, order)  # another tab may have claimed one meanwhile
            if held:
                return held
            if _queued(db, candidate) and claim_free_place(db, candidate, annotator):
                queue_walk.leave_mark(db, annotator, walk, candidate, since)
                return candidate
    skipped = first_row(
        db,
        """
        select r.sentence_id as id from reviews r
        where r.annotator = :annotator and r.status = :skipped order by r.updated limit 1
        """,
        {"annotator": annotator, "skipped": SKIPPED},
    )
    return skipped["id"] if skipped else None


def _queued(db: Database, sentence_id: str) -> bool:
    """Whether the sentence is still in the queue (it has actors)."""
    return (
        first_row(db, f"select 1 from {PRIORITY} where sentence_id = ?", [sentence_id]) is not None
    )


_UNFINISHED, _UNFINISHED_INDEX = "finished = 0", "assignments_unfinished"


def _finished(sentence: str, annotator: str) -> str:
    """SQL for whether the annotator's review of the sentence (SQL expressions) is finished:
    done or skipped, not sent back to them."""
    return f"""exists (select 1 from reviews r where r.sentence_id = {sentence}
      and r.annotator = {annotator} and r.status != '{REQUEUED}')"""


def add_finished_flag(db: Database) -> None:
    """Give each assignment `finished`, kept by SQLite whenever a review or an assignment is
    written, and index the unfinished ones by annotator: what an annotator holds is then found
    without reading everything they ever held (58 ms with 4,000 each at a million sentences)."""
    db.table("assignments").add_column("finished", int, not_null_default=0)
    finished = _finished("assignments.sentence_id", "assignments.annotator")
    db.execute(f"update assignments set finished = {finished}")
    for table, event, row in (
        ("reviews", "insert", "new"),
        ("reviews", "update of status", "new"),
        ("reviews", "delete", "old"),
        ("assignments", "insert", "new"),
    ):
        finished = _finished(f"{row}.sentence_id", f"{row}.annotator")
        db.execute(
            f"""create trigger assignments_finished_on_{table}_{event.split()[0]}
              after {event} on {table} begin
              update assignments set finished = {finished}
              where sentence_id = {row}.sentence_id and annotator = {row}.annotator; end"""
        )
    db.execute(
        f"create index {_UNFINISHED_INDEX} on assignments (annotator, sentence_id)"
        f" where {_UNFINISHED}"
    )


def _held(db: Database, annotator: str, order: str) -> str | None:
    """A sentence the annotator holds and has not finished (requeued ones first, then the
    rest, in the order), found among their unfinished assignments alone. One that has no
    actors (opened by its URL, or its last actor removed) is not in the queue: there is
    nothing on it to decide."""
    row = first_row(
        db,
        f"""
        select a.sentence_id as id from assignments a indexed by {_UNFINISHED_INDEX}
        join {PRIORITY} q on q.sentence_id = a.sentence_id
        left join reviews r on r.sentence_id = a.sentence_id and r.annotator = a.annotator
        where a.annotator = :annotator and a.{_UNFINISHED}
        order by r.status is null, {ORDER_BY[order]}
        limit 1
        """,
        {"annotator": annotator},
    )
    return row["id"] if row else None


def review_progress(db: Database, annotator: str) -> dict:
    """How many sentences the annotator has reviewed, of the sentences with actors.

    Both counts are cheap at any corpus size: the first is kept as reviews are written
    (`review_counts`), the second by `count_sentences_with_actors` whenever mentions are
    added or removed.
    """
    return {"reviewed": reviewed_count(db, annotator), "total": sentences_with_actors(db)}


def reviewed_count(db: Database, annotator: str) -> int:
    """How many sentences the annotator has finished reviewing (a kept count)."""
    return done_count(db, annotator)


def sentences_with_actors(db: Database) -> int:
    """How many sentences have mentions, from the kept count (counted once if missing)."""
    total = get_setting(db, TOTAL_SETTING)
    return int(total) if total is not None else count_sentences_with_actors(db)


def add_sentences_with_actors(db: Database, added: int) -> None:
    """Add sentences with mentions that are about to be published to the kept count."""
    set_setting(db, TOTAL_SETTING, str(sentences_with_actors(db) + added))


def count_sentences_with_actors(db: Database) -> int:
    """Count the sentences that have mentions, and keep the figure for `review_progress`."""
    # All less the unpublished: a filter on every mention would cost half as much again.
    total = db.execute(
        "select (select count(distinct sentence_id) from mentions) - (select count(distinct"
        f" sentence_id) from mentions where {unpublished_sentence('sentence_id')})"
    ).fetchone()[0]
    set_setting(db, TOTAL_SETTING, str(total))
    return total


def sentence_for_review(db: Database, sentence_id: str, annotator: str) -> dict | None:
    """A sentence with its document, neighbours, mentions and the annotator's labels."""
    sentence = get_sentence(db, sentence_id)
    if sentence is None:
        return None
    sentence["mentions"] = mentions_of_sentences(db, [sentence_id], annotator).get(sentence_id, [])
    sentence["prelabels_hidden"] = prelabels_hidden(db, sentence_id, annotator)
    if sentence["prelabels_hidden"]:
        hide_predictions(sentence["mentions"])
    sentence["shown"] = shown_token(sentence["mentions"])
    sentence["others"] = {} if blind(db) else others_labels(db, sentence_id, annotator)
    neighbours = list(
        db.query(
            """
            select id, position, text from sentences
            where document_id = ? and position between ? and ? and id != ?
            order by position
            """,
            [
                sentence["document_id"],
                sentence["position"] - CONTEXT,
                sentence["position"] + CONTEXT,
                sentence_id,
            ],
        )
    )
    sentence["before"] = [n for n in neighbours if n["position"] < sentence["position"]]
    sentence["after"] = [n for n in neighbours if n["position"] > sentence["position"]]
    sentence["flag"] = first_row(
        db,
        "select reason, comment from flags where sentence_id = ? and annotator = ?",
        [sentence_id, annotator],
    )
    sentence["overall"] = {
        "asked": question_enabled(db),
        "label": (overall_label(db, sentence_id, annotator) or {}).get("label"),
    }
    review = review_row(db, sentence_id, annotator)
    sentence["review_status"] = review["status"] if review else None
    [doc] = db.query("select id, title from documents where id = ?", [sentence["document_id"]])
    sentence["document"] = doc
    sentence["document_actors"] = [
        row["name"]
        for row in db.query(
            "select name from actors where document_id = ? order by name", [doc["id"]]
        )
    ]
    return sentence
