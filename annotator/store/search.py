"""Finding sentences: full-text search plus filters on actors, labels, people and models."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlite_utils import Database

from .corpus import mentions_of_sentences
from .gold import GOLD_VIEW, PENDING, UNREVIEWED
from .imports import published

STATUSES = ("accepted", "corrected", "manual", "adjudicated", "disputed", PENDING, UNREVIEWED)


@dataclass(frozen=True)
class SentenceFilter:
    """What to look for; empty fields do not filter.

    `label` and `status` are the gold label and its status (see `gold`); `annotator`
    keeps mentions that person labelled.
    """

    text: str = ""
    actor: str = ""
    label: str = ""
    status: str = ""  # one of STATUSES
    annotator: str = ""
    flagged: bool = False
    model: str = ""


def fts_query(text: str) -> str:
    """Each word as a quoted FTS5 term, so user input can never be FTS syntax."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{word}"' for word in words)


def search_sentences(db: Database, query: SentenceFilter, limit: int = 50) -> list[dict]:
    """Matching sentences in document order, each with its mentions and labels."""
    clauses, params = [published("d.id")], {}
    if fts_query(query.text):
        clauses.append(
            "s.rowid in (select rowid from sentences_fts where sentences_fts match :text)"
        )
        params["text"] = fts_query(query.text)
    mention_clauses = []
    if query.actor:
        mention_clauses.append("ac.name like :actor")
        params["actor"] = f"%{query.actor}%"
    if query.model:
        mention_clauses.append(
            "exists (select 1 from predictions p where p.mention_id = m.id and p.model = :model)"
        )
        params["model"] = query.model
    # The gold view is read once per search (a non-correlated `in`), never once per mention.
    if query.status == UNREVIEWED:
        mention_clauses.append(f"m.id not in (select mention_id from {GOLD_VIEW})")
    elif query.label or query.status:
        conditions = []
        for field in ("label", "status"):
            if getattr(query, field):
                conditions.append(f"g.{field} = :{field}")
                params[field] = getattr(query, field)
        mention_clauses.append(
            f"m.id in (select mention_id from {GOLD_VIEW} g where {' and '.join(conditions)})"
        )
    if query.annotator:
        mention_clauses.append(
            "exists (select 1 from annotations a"
            " where a.mention_id = m.id and a.annotator = :annotator collate nocase)"
        )
        params["annotator"] = query.annotator
    if mention_clauses:
        clauses.append(
            "exists (select 1 from mentions m join actors ac on ac.id = m.actor_id "
            f"where m.sentence_id = s.id and {' and '.join(mention_clauses)})"
        )
    if query.flagged:
        clauses.append("exists (select 1 from flags f where f.sentence_id = s.id)")
    where = f"where {' and '.join(clauses)}"
    params["limit"] = limit
    sentences = list(
        db.query(
            f"""
            select s.id, s.document_id, s.position, s.text, d.title
            from sentences s join documents d on d.id = s.document_id
            {where}
            order by d.rowid, s.position
            limit :limit
            """,
            params,
        )
    )
    mentions = mentions_of_sentences(db, [s["id"] for s in sentences])
    for sentence in sentences:
        sentence["mentions"] = mentions.get(sentence["id"], [])
    return sentences
