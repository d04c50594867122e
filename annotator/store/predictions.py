"""Model predictions: which mentions still need one, and storing them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlite_utils import Database

from .database import first_row, now
from .prelabels import activate_first_model
from .schema import margin_of

_UNPREDICTED = """
    from mentions m
    join sentences s on s.id = m.sentence_id
    join actors ac on ac.id = m.actor_id
    where not exists (
      select 1 from predictions p
      where p.mention_id = m.id and p.model = :model and p.template_version = :version)
"""


def count_unpredicted(db: Database, model: str, version: str) -> int:
    """How many mentions have no prediction from this model and template version."""
    [row] = db.query(f"select count(*) as n {_UNPREDICTED}", {"model": model, "version": version})
    return row["n"]


def unpredicted_mentions(db: Database, model: str, version: str, limit: int) -> list[dict]:
    """Up to `limit` mentions without a prediction from this model, with their sentences."""
    return list(
        db.query(
            f"""select m.id, m.start, m."end", s.text as sentence, ac.name as actor
            {_UNPREDICTED} order by m.id limit :limit""",
            {"model": model, "version": version, "limit": limit},
        )
    )


def save_predictions(db: Database, rows: Iterable[dict]) -> None:
    """Store prediction dicts (mention_id, model, template_version, label, score, scores).

    The first model to pre-label a project becomes its active model (see `prelabels`).
    """
    stamp, rows = now(), list(rows)
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


def prediction_id(db: Database, mention_id: int, model: str, version: str) -> int | None:
    """The id of the mention's prediction by this model and template version, or None."""
    row = first_row(
        db,
        "select id from predictions where mention_id = ? and model = ? and template_version = ?",
        [mention_id, model, version],
    )
    return row["id"] if row else None
