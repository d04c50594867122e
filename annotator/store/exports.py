"""Gold labels as export records: one JSON line per sentence, streamed in document order.

SQLite builds each line itself (its JSON functions run in C), so the export streams at a
steady pace and flat memory whatever the corpus size. The gold label of a mention follows
`gold`'s rule, spelled here in SQL: a lead's adjudication, else the one label every
annotator gave, else none ("disputed").
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlite_utils import Database

from .gold import ADJUDICATED, DISPUTED, UNREVIEWED

_MENTIONS = """
select m.id as mention_id, m.start, m."end", m.text, ac.name as actor,
  j.label as adjudicated, j.adjudicator,
  coalesce(g.labels, 0) as labels, coalesce(g.people, 0) as people,
  g.first_annotator, g.first_label, g.first_status,
  (select json_object('label', p.label, 'score', p.score, 'model', p.model)
   from predictions p where p.mention_id = m.id order by p.id desc limit 1) as prediction
from mentions m
join actors ac on ac.id = m.actor_id
left join adjudications j on j.mention_id = m.id
left join people_labels g on g.mention_id = m.id
where m.sentence_id = s.id
order by m.start, m."end"
"""

_TARGET = f"""
select json_object(
    'actor', x.actor, 'mention', x.text, 'start', x.start, 'end', x."end",
    'label', case
      when x.adjudicated is not null then x.adjudicated
      when x.labels = 1 then x.first_label end,
    'status', case
      when x.adjudicated is not null then '{ADJUDICATED}'
      when x.people = 0 then '{UNREVIEWED}'
      when x.labels > 1 then '{DISPUTED}'
      else x.first_status end,
    'annotator', case
      when x.adjudicated is not null then x.adjudicator
      when x.labels = 1 then x.first_annotator end,
    'prediction', json(x.prediction)
  ) as base,
  x.adjudicated is not null or x.people > 1 as several,
  x.mention_id
from ({_MENTIONS}) x
"""

_LABELS = """
select json_group_array(json_object('annotator', annotator, 'label', label, 'status', status))
from (select * from annotations where mention_id = t.mention_id order by annotator)
"""

_EXPORT_LINES = f"""
with people_labels as materialized (
  -- Per labelled mention, in one pass: how many labels, by how many people, and the label
  -- of the first of them by username (SQLite takes bare columns from the min() row).
  select mention_id, count(distinct label) as labels, count(*) as people,
    min(annotator) as first_annotator, label as first_label, status as first_status
  from annotations group by mention_id
)
select json_object(
    'id', s.id, 'document_id', s.document_id, 'text', s.text,
    'targets', json((
      select json_group_array(json(
        case when t.several then json_insert(t.base, '$.labels', json(({_LABELS})))
        else t.base end))
      from ({_TARGET}) t))
  ) as line,
  (select json_object('label', label, 'annotator', annotator) from sentence_labels
   where sentence_id = s.id order by updated desc limit 1) as overall
from documents d
join sentences s on s.document_id = d.id
order by d.rowid, s.position
"""


def iter_export_lines(db: Database) -> Iterator[str]:
    """Every sentence as one JSONL line (ending in a newline)."""
    for line, overall in db.execute(_EXPORT_LINES):
        if overall is not None:  # only projects that ask the overall question
            line = line[:-1] + ',"overall":' + overall + "}"
        # A raw U+2028/U+2029 is valid JSON but splits the line for some tools.
        yield line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def iter_export_records(db: Database) -> Iterator[dict]:
    """Every sentence with its targets and their gold labels, as dicts."""
    for line in iter_export_lines(db):
        yield json.loads(line)


def write_export(db: Database, stream) -> int:
    """Write the export as JSONL to a text stream; return the number of lines."""
    count = 0
    for line in iter_export_lines(db):
        stream.write(line)
        count += 1
    return count
