"""Model-vs-gold reports: each model version's predictions on the mentions with gold labels."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable

from sqlite_utils import Database

from annotator.metrics import classification_report

from .anchoring import labelled_beside_model
from .gold import GOLD_VIEW

_GOLD_VS_PREDICTED = f"""
with gold as materialized (select mention_id, label from {GOLD_VIEW} where label is not null)
select p.model, p.template_version, g.label as gold, p.label as predicted,
  s.text as sentence, m.start, m."end",
  {labelled_beside_model("g.mention_id", "p.model")} as shown
from gold g
join predictions p on p.mention_id = g.mention_id
join mentions m on m.id = g.mention_id
join sentences s on s.id = m.sentence_id
{{where}}
order by p.model, p.template_version
"""


def span_key(sentence: str, start: int, end: int) -> str:
    """A name for one (sentence, span) pair that is the same in every database and file:
    what a trained model records of its training examples, to be never scored on them."""
    digest = hashlib.blake2b(sentence.encode("utf-8", "surrogatepass"), digest_size=12)
    return f"{digest.hexdigest()}:{start}:{end}"


def model_reports(
    db: Database,
    labels: list[str],
    model: str | None = None,
    version: str | None = None,
    seen: Callable[[str], frozenset[str]] | None = None,
) -> list[dict]:
    """One classification report per (model, template version), on gold-labelled mentions.

    `seen(model)` gives the span keys a model was trained on: those mentions are left out
    of its report (`unseen` is the number scored, `excluded` the number left out). `shown`
    counts the scored gold labels given beside this model's own pre-label: a figure on those
    leans toward the model, since an annotator who accepts a pre-label makes it gold.
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
        trained_on = seen(spec) if seen else frozenset()
        pairs, excluded, shown = [], 0, 0
        for r in group:
            if trained_on and span_key(r["sentence"], r["start"], r["end"]) in trained_on:
                excluded += 1
            else:
                pairs.append((r["gold"], r["predicted"]))
                shown += r["shown"]
        report = classification_report([g for g, _ in pairs], [p for _, p in pairs], labels)
        reports.append(
            {
                "model": spec,
                "template_version": template,
                "excluded": excluded,
                "shown": shown,
                **report,
            }
        )
    return reports


def gold_pairs(db: Database) -> list[dict]:
    """Every mention with a gold label: sentence text, span, actor and the label."""
    return list(
        db.query(
            f"""
            select m.id as mention_id, s.text as sentence, m.start, m."end", ac.name as actor,
              g.label
            from {GOLD_VIEW} g
            join mentions m on m.id = g.mention_id
            join sentences s on s.id = m.sentence_id
            join actors ac on ac.id = m.actor_id
            where g.label is not null
            order by m.id
            """
        )
    )
