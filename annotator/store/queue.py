"""The review queue: which sentence an annotator sees next, and their progress."""

from __future__ import annotations

from sqlite_utils import Database

from .corpus import get_sentence, mentions_of_sentences
from .database import first_row
from .overall import overall_label, question_enabled
from .review import DONE, REQUEUED, SKIPPED, ReviewError, review_row

CONTEXT = 2  # neighbouring sentences shown on each side


ORDERS = ("document", "uncertainty")
_ORDER_BY = {
    "document": "d.rowid, s.position",
    # The least certain pre-label of the sentence first: its label teaches a model most.
    "uncertainty": """(
        select min(p.margin) from mentions m join predictions p on p.id = (
          select id from predictions where mention_id = m.id order by id desc limit 1)
        where m.sentence_id = s.id) is null,
      (select min(p.margin) from mentions m join predictions p on p.id = (
          select id from predictions where mention_id = m.id order by id desc limit 1)
        where m.sentence_id = s.id),
      d.rowid, s.position""",
}


def next_sentence_id(db: Database, annotator: str, order: str = "document") -> str | None:
    """The next sentence to review: requeued ones, then unreviewed (in `order`), then skipped."""
    if order not in _ORDER_BY:
        raise ReviewError(f"unknown queue order {order!r} (use {' or '.join(ORDERS)})")
    row = first_row(
        db,
        f"""
        select s.id from sentences s
        join documents d on d.id = s.document_id
        left join reviews r on r.sentence_id = s.id and r.annotator = :annotator
        where exists (select 1 from mentions m where m.sentence_id = s.id)
          and (r.status is null or r.status in (:skipped, :requeued))
        order by case r.status when :requeued then 0 when :skipped then 2 else 1 end,
          r.updated, {_ORDER_BY[order]}
        limit 1
        """,
        {"annotator": annotator, "skipped": SKIPPED, "requeued": REQUEUED},
    )
    return row["id"] if row else None


def review_progress(db: Database, annotator: str) -> dict:
    """How many sentences with actors the annotator has reviewed, of how many."""
    [row] = db.query(
        """
        select
          (select count(distinct sentence_id) from mentions) as total,
          (select count(*) from reviews where annotator = ? and status = ?) as reviewed
        """,
        [annotator, DONE],
    )
    return row


def sentence_for_review(db: Database, sentence_id: str, annotator: str) -> dict | None:
    """A sentence with its document, neighbours, mentions and the annotator's labels."""
    sentence = get_sentence(db, sentence_id)
    if sentence is None:
        return None
    sentence["mentions"] = mentions_of_sentences(db, [sentence_id], annotator).get(sentence_id, [])
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
