"""Adjudication: leads settle the mentions annotators disagree on into gold labels."""

from __future__ import annotations

from sqlite_utils import Database

from .corpus import get_document, get_sentence
from .database import first_row, upsert_stamped
from .gold import DISPUTED, UNREVIEWED, gold_of_mentions
from .imports import published
from .prelabels import shown_prediction_id

# Mentions with at least two different labels: the disputes, open or settled.
_DISPUTED_MENTIONS = """
select mention_id from annotations group by mention_id having count(distinct label) > 1
"""


def adjudicate(db: Database, mention_id: int, label: str, adjudicator: str) -> None:
    """Make `label` the mention's gold label, decided by `adjudicator`."""
    mention = first_row(
        db,
        "select 1 from mentions m join sentences s on s.id = m.sentence_id"
        f" where m.id = ? and {published('s.document_id')}",
        [mention_id],
    )
    if mention is None:
        raise ValueError(f"no mention with id {mention_id}")
    upsert_stamped(
        db,
        "adjudications",
        {"mention_id": mention_id, "label": label, "adjudicator": adjudicator},
        ("mention_id",),
    )


def reopen(db: Database, mention_id: int) -> None:
    """Withdraw an adjudication: the mention is disputed again."""
    db.execute("delete from adjudications where mention_id = ?", [mention_id])


def dispute_counts(db: Database) -> dict:
    """How many disputed mentions there are, and how many are still open."""
    [row] = db.query(
        f"""
        select count(*) as disputed,
          sum(not exists (select 1 from adjudications j where j.mention_id = d.mention_id))
            as open
        from ({_DISPUTED_MENTIONS}) d
        """
    )
    return {"disputed": row["disputed"], "open": row["open"] or 0}


def next_open_sentence(db: Database, after: str | None = None) -> str | None:
    """The first sentence (in document order) with a dispute no lead has settled yet."""
    row = first_row(
        db,
        f"""
        select s.id from sentences s join documents d on d.id = s.document_id
        where s.id in (
          select m.sentence_id from mentions m
          where m.id in ({_DISPUTED_MENTIONS})
            and not exists (select 1 from adjudications j where j.mention_id = m.id))
          and (:after is null or s.id != :after)
        order by d.rowid, s.position limit 1
        """,
        {"after": after},
    )
    return row["id"] if row else None


def sentence_for_adjudication(db: Database, sentence_id: str) -> dict | None:
    """A sentence with, per mention, every annotator's label, the model's, and the gold."""
    sentence = get_sentence(db, sentence_id)
    if sentence is None:
        return None
    sentence["document"] = get_document(db, sentence["document_id"])
    mentions = list(
        db.query(
            f"""
            select m.id, m.start, m."end", m.text, ac.name as actor, ac.kind,
              (select label from predictions where id = {shown_prediction_id("m.id")})
                as predicted
            from mentions m join actors ac on ac.id = m.actor_id
            where m.sentence_id = ? order by m.start, m."end"
            """,
            [sentence_id],
        )
    )
    gold = gold_of_mentions(db, [m["id"] for m in mentions])
    for mention in mentions:
        mention["annotations"] = list(
            db.query(
                "select annotator, label, status from annotations where mention_id = ?"
                " order by annotator",
                [mention["id"]],
            )
        )
        mention["gold"] = gold.get(mention["id"]) or {"label": None, "status": UNREVIEWED}
        mention["disputed"] = len({a["label"] for a in mention["annotations"]}) > 1
        mention["open"] = mention["gold"]["status"] == DISPUTED
    sentence["mentions"] = mentions
    return sentence
