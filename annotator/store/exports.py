"""Gold labels as export records: one JSON line per sentence, streamed in document order.

SQLite builds each line itself (its JSON functions run in C), so the export streams at a
steady pace and flat memory whatever the corpus size. The gold label of a mention follows
`gold`'s rule, spelled here in SQL: a lead's adjudication, else the one label every
annotator gave, else none ("disputed").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from .gold import ADJUDICATED, DISPUTED, UNREVIEWED

# One target's fields, read from the mention (m), its actor (ac), adjudication (j), the
# people's labels (g) and its latest prediction (p).
_TARGET_FIELDS = f"""
  'actor', ac.name, 'mention', m.text, 'start', m.start, 'end', m."end",
  'label', case when j.label is not null then j.label when g.labels = 1 then g.first_label end,
  'status', case
    when j.label is not null then '{ADJUDICATED}'
    when g.people is null then '{UNREVIEWED}'
    when g.labels > 1 then '{DISPUTED}'
    else g.first_status end,
  'annotator', case
    when j.label is not null then j.adjudicator
    when g.labels = 1 then g.first_annotator end,
  'prediction', case
    when p.id is not null then json_object('label', p.label, 'score', p.score, 'model', p.model) end
"""

# Everyone's label, by username, where several people labelled or a lead adjudicated.
_LABELS = """json((
  select json_group_array(json_object('annotator', annotator, 'label', label, 'status', status))
  from (select * from annotations where mention_id = m.id order by annotator)))
"""

# Each JSON object is built where it is used (json_group_array(json_object(...))): a JSON
# value that passes through a subquery column turns into text and must be parsed again.
# The line's outer object is joined as text for the same reason.
_EXPORT_LINES = f"""
with people_labels as materialized (
  -- Per labelled mention, in one pass: how many labels, by how many people, and the label
  -- of the first of them by username (SQLite takes bare columns from the min() row).
  select mention_id, count(distinct label) as labels, count(*) as people,
    min(annotator) as first_annotator, label as first_label, status as first_status
  from annotations group by mention_id
)
select '{{"id":' || json_quote(s.id) || ',"document_id":' || json_quote(s.document_id)
  || ',"text":' || json_quote(s.text) || ',"targets":' || (
    select json_group_array(case
      when j.label is not null or g.people > 1
      then json_object({_TARGET_FIELDS}, 'labels', {_LABELS})
      else json_object({_TARGET_FIELDS}) end)
    from (select * from mentions where sentence_id = s.id order by start, "end") m
    join actors ac on ac.id = m.actor_id
    left join adjudications j on j.mention_id = m.id
    left join people_labels g on g.mention_id = m.id
    left join predictions p on p.id = (select max(id) from predictions where mention_id = m.id)
  ) || '}}' as line,
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


def export_to_file(db: Database, path: str | Path) -> int:
    """Write the export to the file at `path` (empty when there is nothing to export); return
    the number of lines.

    The lines go to a partial file beside it, which takes its name only once complete: an
    error midway leaves no half-written export, and an earlier one under that name intact.
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as stream:
            count = write_export(db, stream)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
