"""Gold labels as export records: one dict per sentence, streamed in document order."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

from sqlite_utils import Database

from .gold import gold_of

# One row per (mention, annotator), ordered so that a sentence's rows, and within it a
# mention's rows, are adjacent: the export streams with one pass and flat memory.
_EXPORT_ROWS = """
select s.id, s.document_id, s.text, o.label as overall, o.annotator as overall_annotator,
  m.id as mention_id, m.start, m."end", m.text as mention, ac.name as actor,
  a.label, a.status, a.annotator, j.label as adjudicated, j.adjudicator,
  p.label as predicted, p.score as predicted_score, p.model as predicted_model
from documents d
join sentences s on s.document_id = d.id
left join sentence_labels o on o.rowid = (
  select rowid from sentence_labels where sentence_id = s.id order by updated desc limit 1)
left join mentions m on m.sentence_id = s.id
left join actors ac on ac.id = m.actor_id
left join annotations a on a.mention_id = m.id
left join adjudications j on j.mention_id = m.id
left join predictions p on p.id = (
  select id from predictions where mention_id = m.id order by id desc limit 1)
order by d.rowid, s.position, m.start, m."end", a.annotator
"""


def _target(rows: list[dict]) -> dict:
    first = rows[0]
    annotations = [
        {"annotator": r["annotator"], "label": r["label"], "status": r["status"]}
        for r in rows
        if r["annotator"] is not None
    ]
    adjudication = None
    if first["adjudicated"] is not None:
        adjudication = {"label": first["adjudicated"], "adjudicator": first["adjudicator"]}
    gold = gold_of(annotations, adjudication)
    prediction = None
    if first["predicted"] is not None:
        prediction = {
            "label": first["predicted"],
            "score": first["predicted_score"],
            "model": first["predicted_model"],
        }
    target = {
        "actor": first["actor"],
        "mention": first["mention"],
        "start": first["start"],
        "end": first["end"],
        "label": gold.label,
        "status": gold.status,
        "annotator": gold.annotator,
        "prediction": prediction,
    }
    if len(annotations) > 1 or adjudication is not None:  # several people: everyone's label
        target["labels"] = annotations
    return target


def iter_export_records(db: Database) -> Iterator[dict]:
    """Every sentence with its targets and their gold labels (see `gold`)."""
    rows = db.query(_EXPORT_ROWS)
    for _, sentence_rows in itertools.groupby(rows, key=lambda row: row["id"]):
        sentence_rows = list(sentence_rows)
        first = sentence_rows[0]
        mentions = itertools.groupby(
            (r for r in sentence_rows if r["mention_id"] is not None),
            key=lambda row: row["mention_id"],
        )
        record = {
            "id": first["id"],
            "document_id": first["document_id"],
            "text": first["text"],
            "targets": [_target(list(group)) for _, group in mentions],
        }
        if first["overall"] is not None:  # only projects that ask the overall question
            record["overall"] = {"label": first["overall"], "annotator": first["overall_annotator"]}
        yield record


def to_json_line(record: dict) -> str:
    """One JSONL line; U+2028/U+2029 are escaped so line-splitting tools see one record."""
    text = json.dumps(record, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def write_export(db: Database, stream) -> int:
    """Write the export as JSONL to a text stream; return the number of lines."""
    count = 0
    for record in iter_export_records(db):
        stream.write(to_json_line(record))
        count += 1
    return count
