"""Which label is gold: one rule for the export, the adjudication page and the stats.

- a lead's adjudication wins;
- otherwise, when every annotator who labelled the mention gave the same label, that label
  (one annotator alone counts as agreeing with themselves);
- otherwise the mention is disputed and has no gold label until a lead adjudicates it.
"""

from __future__ import annotations

from dataclasses import dataclass

ADJUDICATED, DISPUTED, UNREVIEWED = "adjudicated", "disputed", "unreviewed"


@dataclass(frozen=True)
class Gold:
    label: str | None
    status: str  # accepted / corrected / manual (from the annotation), or the three above
    annotator: str | None  # who gave it: the adjudicator, or the first agreeing annotator


def gold_of(annotations: list[dict], adjudication: dict | None) -> Gold:
    """The gold label of one mention from its annotations (annotator, label, status)."""
    if adjudication is not None:
        return Gold(adjudication["label"], ADJUDICATED, adjudication["adjudicator"])
    if not annotations:
        return Gold(None, UNREVIEWED, None)
    if len({a["label"] for a in annotations}) > 1:
        return Gold(None, DISPUTED, None)
    first = min(annotations, key=lambda a: a["annotator"])
    return Gold(first["label"], first["status"], first["annotator"])
