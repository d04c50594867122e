"""Model-vs-gold reports: each model version's predictions on the mentions with gold labels."""

from __future__ import annotations

import itertools

from sqlite_utils import Database

from annotator.metrics import classification_report

_GOLD_VS_PREDICTED = """
select p.model, p.template_version, a.label as gold, p.label as predicted
from predictions p
join annotations a on a.rowid = (
  select rowid from annotations where mention_id = p.mention_id order by updated desc limit 1)
{where}
order by p.model, p.template_version
"""


def model_reports(
    db: Database, labels: list[str], model: str | None = None, version: str | None = None
) -> list[dict]:
    """One classification report per (model, template version), on gold-labelled mentions.

    The gold label of a mention is its latest label by any annotator, as in the export.
    """
    clauses, params = [], []
    if model is not None:
        clauses.append("p.model = ?")
        params.append(model)
    if version is not None:
        clauses.append("p.template_version = ?")
        params.append(version)
    where = f"where {' and '.join(clauses)}" if clauses else ""
    rows = db.query(_GOLD_VS_PREDICTED.format(where=where), params)
    reports = []
    for (spec, template), group in itertools.groupby(
        rows, key=lambda r: (r["model"], r["template_version"])
    ):
        pairs = [(r["gold"], r["predicted"]) for r in group]
        report = classification_report([g for g, _ in pairs], [p for _, p in pairs], labels)
        reports.append({"model": spec, "template_version": template, **report})
    return reports


def gold_pairs(db: Database) -> list[dict]:
    """Every mention with a gold label: sentence text, span, actor and the label."""
    return list(
        db.query(
            """
            select s.text as sentence, m.start, m."end", ac.name as actor, a.label
            from mentions m
            join sentences s on s.id = m.sentence_id
            join actors ac on ac.id = m.actor_id
            join annotations a on a.rowid = (
              select rowid from annotations where mention_id = m.id order by updated desc limit 1)
            order by m.id
            """
        )
    )
