"""Which label is gold: one rule, as one SQL view, for every page, command and export.

- a lead's adjudication wins;
- otherwise, when every annotator who labelled the mention gave the same label and there are
  as many of them as the project asks for (k, `assignments.overlap`), that label (with k = 1,
  one annotator agrees with themselves);
- when they gave different labels, the mention is disputed and has no gold label until a
  lead adjudicates it;
- when they agree but are fewer than k, it is pending: no gold label yet, since the others
  may not agree (a model trained on it would show one annotator's label to the next).

The view `gold_labels` has one row per mention that anyone labelled or adjudicated:
`label` (null while disputed or pending), `status` (the agreeing annotators' accepted /
corrected / manual, or adjudicated / disputed / pending), `annotator` (the adjudicator, or
the first agreeing annotator by name), `people` (how many annotators labelled it) and
`prediction_id` (the pre-label that annotator was shown). A mention without a row is
unreviewed.
"""

from __future__ import annotations

from sqlite_utils import Database

from .assignments import OVERLAP_SQL

ADJUDICATED, DISPUTED, UNREVIEWED = "adjudicated", "disputed", "unreviewed"
PENDING = "pending"
GOLD_VIEW = "gold_labels"

# SQLite takes the bare columns (label, status, prediction_id) from the row that min()
# picked: the first annotator by name.
_GOLD_SQL = f"""
select g.mention_id,
  case when j.label is not null then j.label
    when g.labels = 1 and g.people >= {OVERLAP_SQL} then g.label end as label,
  case when j.label is not null then '{ADJUDICATED}' when g.labels > 1 then '{DISPUTED}'
    when g.people < {OVERLAP_SQL} then '{PENDING}' else g.status end as status,
  case when j.label is not null then j.adjudicator
    when g.labels = 1 and g.people >= {OVERLAP_SQL} then g.annotator end as annotator,
  g.people,
  case when j.label is null and g.labels = 1 then g.prediction_id end as prediction_id
from (
  select mention_id, count(distinct label) as labels, count(*) as people,
    min(annotator) as annotator, label, status, prediction_id
  from annotations group by mention_id
) g
left join adjudications j on j.mention_id = g.mention_id
union all
select j.mention_id, j.label, '{ADJUDICATED}', j.adjudicator, 0, null
from adjudications j
where not exists (select 1 from annotations a where a.mention_id = j.mention_id)
"""


def create_gold_view(db: Database) -> None:
    """(Re)create the `gold_labels` view (called by the schema's migrations)."""
    db.execute(f"drop view if exists {GOLD_VIEW}")
    db.execute(f"create view {GOLD_VIEW} as {_GOLD_SQL}")


def gold_of_mentions(db: Database, mention_ids: list[int]) -> dict[int, dict]:
    """The gold row of each of these mentions that has one, by mention id."""
    if not mention_ids:
        return {}
    marks = ",".join("?" for _ in mention_ids)
    return {
        row["mention_id"]: row
        for row in db.query(
            f"select * from {GOLD_VIEW} where mention_id in ({marks})", list(mention_ids)
        )
    }


def gold_count(db: Database) -> int:
    """How many mentions have a gold label (disputed and pending ones have none)."""
    return db.execute(f"select count(*) from {GOLD_VIEW} where label is not null").fetchone()[0]
