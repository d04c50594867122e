"""Gold labels as export records: one dict per sentence, streamed in document order."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

from sqlite_utils import Database

UNREVIEWED = "unreviewed"

_EXPORT_ROWS = """
select s.id, s.document_id, s.text, o.label as overall, o.annotator as overall_annotator,
  m.id as mention_id, m.start, m."end", m.text as mention,
  ac.name as actor, a.label, a.status, a.annotator,
  p.label as predicted, p.score as predicted_score, p.model as predicted_model
from documents d
join sentences s on s.document_id = d.id
left join mentions m on m.sentence_id = s.id
left join actors ac on ac.id = m.actor_id
left join annotations a on a.rowid = (
  select rowid from annotations where mention_id = m.id order by updated desc limit 1)
left join sentence_labels o on o.rowid = (
  select rowid from sentence_labels where sentence_id = s.id order by updated desc limit 1)
left join predictions p on p.id = (
  select id from predictions where mention_id = m.id order by id desc limit 1)
order by d.rowid, s.position, m.start, m."end"
"""


def _target(row: dict) -> dict:
    prediction = None
    if row["predicted"] is not None:
        prediction = {
            "label": row["predicted"],
            "score": row["predicted_score"],
            "model": row["predicted_model"],
        }
    return {
        "actor": row["actor"],
        "mention": row["mention"],
        "start": row["start"],
        "end": row["end"],
        "label": row["label"],
        "status": row["status"] or UNREVIEWED,
        "annotator": row["annotator"],
        "prediction": prediction,
    }


def iter_export_records(db: Database) -> Iterator[dict]:
    """Every sentence with its targets; the latest label by any annotator is the gold one."""
    rows = db.query(_EXPORT_ROWS)
    for _, group in itertools.groupby(rows, key=lambda row: row["id"]):
        group = list(group)
        first = group[0]
        record = {
            "id": first["id"],
            "document_id": first["document_id"],
            "text": first["text"],
            "targets": [_target(row) for row in group if row["mention_id"] is not None],
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
