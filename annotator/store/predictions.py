"""Model predictions: which mentions still need one, and storing them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlite_utils import Database

from .assignments import OVERLAP_SQL
from .database import first_row, now
from .imports import published
from .prelabels import activate_first_model, active_model
from .priority import refresh_priority_of_mentions

_UNPREDICTED = f"""
    from mentions m
    join sentences s on s.id = m.sentence_id
    join actors ac on ac.id = m.actor_id
    where {published("s.document_id")} and not exists (
      select 1 from predictions p
      where p.mention_id = m.id and p.model = :model and p.template_version = :version)
"""
# Only the mentions of these documents (a JSON list of ids), e.g. those one import added.
_IN_DOCUMENTS = " and s.document_id in (select value from json_each(:documents))"
# Only the mentions still to review: labelled by fewer annotators than the project's k, and
# not adjudicated. A promoted model re-labels those, so the next annotator of a sentence the
# first one has done sees its pre-labels too; decisions made keep the pre-label they were
# made beside.
_UNREVIEWED = f""" and (select count(*) from annotations a where a.mention_id = m.id)
      < {OVERLAP_SQL}
    and not exists (select 1 from adjudications j where j.mention_id = m.id)"""


def _unpredicted(
    model: str, version: str, documents: list[str] | None, unreviewed: bool = False
) -> tuple[str, dict]:
    """The from/where clause of the mentions without this prediction, and its parameters."""
    clause, params = _UNPREDICTED, {"model": model, "version": version}
    if unreviewed:
        clause += _UNREVIEWED
    if documents is None:
        return clause, params
    return clause + _IN_DOCUMENTS, {**params, "documents": json.dumps(documents)}


def count_unpredicted(
    db: Database,
    model: str,
    version: str,
    documents: list[str] | None = None,
    unreviewed: bool = False,
) -> int:
    """How many mentions (of `documents`, else of the project; only unreviewed ones if asked)
    have no prediction from this model and template version."""
    clause, params = _unpredicted(model, version, documents, unreviewed)
    [row] = db.query(f"select count(*) as n {clause}", params)
    return row["n"]


def unpredicted_id_ranges(
    db: Database,
    model: str,
    version: str,
    size: int,
    documents: list[str] | None = None,
    unreviewed: bool = False,
) -> list[tuple[int, int]]:
    """(after, last) mention id bounds of consecutive runs of `size` mentions without this
    prediction, in id order: the shards a distributed run hands out. Ids are read as a
    stream and only the bounds are kept, so planning a million mentions takes little memory.
    """
    clause, params = _unpredicted(model, version, documents, unreviewed)
    ranges, after, count, last = [], 0, 0, 0
    for (mention_id,) in db.conn.execute(f"select m.id {clause} order by m.id", params):
        count, last = count + 1, mention_id
        if count == size:
            ranges.append((after, last))
            after, count = last, 0
    if count:
        ranges.append((after, last))
    return ranges


def unpredicted_mentions(
    db: Database,
    model: str,
    version: str,
    limit: int,
    documents: list[str] | None = None,
    after: int = 0,
    unreviewed: bool = False,
) -> list[dict]:
    """Up to `limit` mentions (of `documents`, else of the project) without a prediction from
    this model, with their sentences, in id order from the first id above `after`.

    A run that passes the last id of its previous chunk as `after` never reads again the
    mentions it has done: each chunk costs the same however many are already predicted.
    (Mention ids only grow, so none without a prediction is left behind.)"""
    clause, params = _unpredicted(model, version, documents, unreviewed)
    return list(
        db.query(
            f"""select m.id, m.start, m."end", s.text as sentence, ac.name as actor
            {clause} and m.id > :after order by m.id limit :limit""",
            {**params, "limit": limit, "after": after},
        )
    )


def margin_of(scores: dict) -> float:
    """Top score minus the runner-up (1.0 when there is a single score)."""
    top = sorted(scores.values(), reverse=True)
    return round(top[0] - (top[1] if len(top) > 1 else 0.0), 6)


def add_margin_column(db: Database) -> None:
    """Give the predictions table its `margin` column, filled in for the rows it holds."""
    db.table("predictions").add_column("margin", float)
    for row in list(db.query("select id, scores from predictions")):
        db.table("predictions").update(row["id"], {"margin": margin_of(json.loads(row["scores"]))})
    db.table("predictions").create_index(["mention_id", "margin"])


def save_predictions(db: Database, rows: Iterable[dict]) -> None:
    """Store prediction dicts (mention_id, model, template_version, label, score, scores).

    The first model to pre-label a project becomes its active model (see `prelabels`); the
    active model's predictions re-order their sentences in the queue (see `priority`).
    """
    stamp, rows = now(), list(rows)
    with db.atomic():
        for model in dict.fromkeys(row["model"] for row in rows):
            activate_first_model(db, model)
        db.table("predictions").insert_all(
            (
                {
                    **row,
                    "scores": json.dumps(row["scores"]),
                    "margin": margin_of(row["scores"]),
                    "created": stamp,
                }
                for row in rows
            ),
            ignore=True,
        )
        shown = active_model(db)
        refresh_priority_of_mentions(
            db, (row["mention_id"] for row in rows if row["model"] == shown)
        )


def prediction_id(db: Database, mention_id: int, model: str, version: str) -> int | None:
    """The id of the mention's prediction by this model and template version, or None."""
    row = first_row(
        db,
        "select id from predictions where mention_id = ? and model = ? and template_version = ?",
        [mention_id, model, version],
    )
    return row["id"] if row else None
