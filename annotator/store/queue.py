"""The review queue: which sentence an annotator sees next, and their progress."""

from __future__ import annotations

from sqlite_utils import Database

from .anchoring import hide_predictions, prelabels_hidden
from .assignments import claim, overlap
from .corpus import get_sentence, mentions_of_sentences
from .database import first_row, get_setting, set_setting
from .imports import published, unpublished_sentence
from .overall import overall_label, question_enabled
from .prelabels import shown_prediction_id
from .review import DONE, REQUEUED, SKIPPED, ReviewError, review_row

CONTEXT = 2  # neighbouring sentences shown on each side


BLIND_SETTING, TOTAL_SETTING = "blind", "sentences_with_actors"
ORDERS = ("document", "uncertainty")
_SMALLEST_MARGIN = f"""(
    select min(p.margin) from mentions m join predictions p on p.id = {shown_prediction_id("m.id")}
    where m.sentence_id = s.id)"""
_ORDER_BY = {
    "document": "d.rowid, s.position",
    # The least certain pre-label shown of the sentence first: its label teaches a model most.
    "uncertainty": f"{_SMALLEST_MARGIN} is null, {_SMALLEST_MARGIN}, d.rowid, s.position",
}


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
    The claim runs in a transaction that holds SQLite's write lock, so concurrent annotators
    never take more than k places on a sentence, and nobody is served a sentence twice.
    """
    if order not in _ORDER_BY:
        raise ReviewError(f"unknown queue order {order!r} (use {' or '.join(ORDERS)})")
    # What the annotator already holds is theirs alone: reading it needs no lock. Only
    # claiming a new sentence does, and it looks again under the lock (another tab may
    # have claimed one meanwhile).
    held = _held(db, annotator, order)
    if held:
        return held
    with db.atomic():
        held = _held(db, annotator, order)
        if held:
            return held
        fresh = first_row(
            db,
            f"""
            select s.id from sentences s join documents d on d.id = s.document_id
            where exists (select 1 from mentions m where m.sentence_id = s.id)
              and {published("d.id")}
              and not exists (select 1 from assignments a
                              where a.sentence_id = s.id and a.annotator = :annotator)
              and (select count(*) from assignments a where a.sentence_id = s.id) < :k
            order by {_ORDER_BY[order]}
            limit 1
            """,
            {"annotator": annotator, "k": overlap(db)},
        )
        if fresh:
            claim(db, fresh["id"], annotator)
            return fresh["id"]
    skipped = first_row(
        db,
        """
        select r.sentence_id as id from reviews r
        where r.annotator = :annotator and r.status = :skipped order by r.updated limit 1
        """,
        {"annotator": annotator, "skipped": SKIPPED},
    )
    return skipped["id"] if skipped else None


def _held(db: Database, annotator: str, order: str) -> str | None:
    """A sentence the annotator holds and has not finished (requeued ones first)."""
    row = first_row(
        db,
        f"""
        select s.id from assignments a
        join sentences s on s.id = a.sentence_id join documents d on d.id = s.document_id
        left join reviews r on r.sentence_id = a.sentence_id and r.annotator = a.annotator
        where a.annotator = :annotator and (r.status is null or r.status = :requeued)
        order by r.status is null, {_ORDER_BY[order]}
        limit 1
        """,
        {"annotator": annotator, "requeued": REQUEUED},
    )
    return row["id"] if row else None


def review_progress(db: Database, annotator: str) -> dict:
    """How many sentences the annotator has reviewed, of the sentences with actors.

    Both counts are cheap at any corpus size: the first uses an index, the second is kept
    by `count_sentences_with_actors` whenever mentions are added or removed.
    """
    reviewed = db.execute(
        "select count(*) from reviews where annotator = ? and status = ?", [annotator, DONE]
    ).fetchone()[0]
    return {"reviewed": reviewed, "total": sentences_with_actors(db)}


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
