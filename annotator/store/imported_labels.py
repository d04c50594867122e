"""Labels that come in with an imported file, written together in bulk when its import
publishes: a few statements for the whole file instead of a few per sentence, so that the
publish step stays short for a labelled file too."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from .database import now
from .review_states import DONE, MANUAL

_UPSERT = """
insert into annotations (mention_id, annotator, label, status, prediction_id, created, updated)
values (?, ?, ?, ?, ?, ?, ?)
on conflict (mention_id, annotator) do update set label = excluded.label,
  status = excluded.status, prediction_id = excluded.prediction_id,
  created = excluded.created, updated = excluded.updated
where annotations.label is not excluded.label or annotations.status is not excluded.status
  or annotations.prediction_id is not excluded.prediction_id
"""

# Imported labels that cover every mention of a sentence count as that annotator's review,
# and a review holds one of the sentence's k places, as in the queue. An upsert, not a
# replace: a replace fires the delete triggers of the row it removes (kept counts) only on
# connections with recursive triggers on.
_REVIEWED = """
insert into reviews (sentence_id, annotator, status, updated)
select m.sentence_id, a.annotator, :done, :stamp
from (select distinct value as id from json_each(:sentences)) j
join mentions m on m.sentence_id = j.id
join annotations a on a.mention_id = m.id
where true
group by m.sentence_id, a.annotator
having count(*) = (select count(*) from mentions where sentence_id = m.sentence_id)
on conflict (sentence_id, annotator) do update set status = excluded.status,
  updated = excluded.updated
"""
_HELD = """
insert or ignore into assignments (sentence_id, annotator, created)
select r.sentence_id, r.annotator, r.updated
from (select distinct value as id from json_each(:sentences)) j
join reviews r on r.sentence_id = j.id
"""


@dataclass
class ImportedLabels:
    """A file's labels in its order (a later label of a mention by the same annotator wins),
    and the sentences they are on."""

    rows: list[tuple] = field(default_factory=list)
    sentence_ids: list[str] = field(default_factory=list)

    def add(
        self,
        mention_id: int,
        annotator: str,
        label: str,
        status: str | None,
        prediction_id: int | None,
    ) -> None:
        """One annotator's label; one accepted or corrected was given beside the file's
        pre-label of the mention (`prediction_id`)."""
        shown = prediction_id if status not in (None, MANUAL) else None
        self.rows.append((mention_id, annotator, label, status or MANUAL, shown))


def save_imported_labels(db: Database, labels: ImportedLabels) -> int:
    """Store the labels, then count each sentence someone labelled whole as their review;
    return how many labels are new or changed (one the project holds already, as it is, is
    left untouched, its time included)."""
    stamp = now()
    # rowcount sums each row's changes, not those of the triggers they fire
    changed = db.conn.executemany(_UPSERT, [(*row, stamp, stamp) for row in labels.rows]).rowcount
    params = {"sentences": json.dumps(labels.sentence_ids), "done": DONE, "stamp": stamp}
    db.execute(_REVIEWED, params)
    db.execute(_HELD, params)
    return changed
