"""Gold labels as export records: one JSON line per sentence, streamed in document order.

SQLite builds each line itself (its JSON functions run in C), so the export streams at a
steady pace and flat memory whatever the corpus size. The gold label, status and annotator
of a mention come from the `gold_labels` view (see `gold`); its prediction is the pre-label
that the gold label's annotator was shown, else the one annotators are shown now.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlite_utils import Database

from .assignments import OVERLAP_SQL
from .gold import GOLD_VIEW, UNREVIEWED
from .imports import published
from .prelabels import shown_prediction_id

# One target's fields, read from the mention (m), its actor (ac), its gold row (g) and the
# prediction shown beside it (p).
_TARGET_FIELDS = f"""
  'actor', ac.name, 'mention', m.text, 'start', m.start, 'end', m."end",
  'label', g.label, 'status', coalesce(g.status, '{UNREVIEWED}'), 'annotator', g.annotator,
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
# The line's outer object is joined as text for the same reason. The gold view is read
# once, in one pass (materialized), and looked up per mention.
_EXPORT_LINES = f"""
with gold as materialized (select * from {GOLD_VIEW})
select '{{"id":' || json_quote(s.id) || ',"document_id":' || json_quote(s.document_id)
  || ',"text":' || json_quote(s.text) || ',"targets":' || (
    select json_group_array(case
      when g.status = 'adjudicated' or g.people > 1 or (g.people > 0 and {OVERLAP_SQL} > 1)
      then json_object({_TARGET_FIELDS}, 'labels', {_LABELS})
      else json_object({_TARGET_FIELDS}) end)
    from (select * from mentions where sentence_id = s.id order by start, "end") m
    join actors ac on ac.id = m.actor_id
    left join gold g on g.mention_id = m.id
    left join predictions p on p.id = coalesce(g.prediction_id, {shown_prediction_id("m.id")})
  ) || '}}' as line,
  (select json_object('label', label, 'annotator', annotator) from sentence_labels
   where sentence_id = s.id order by updated desc limit 1) as overall
from documents d
join sentences s on s.document_id = d.id
where {published("d.id")}
order by d.rowid, s.position
"""


# The same targets, one row each (CSV and tables): the fields of `_TARGET_FIELDS` in the
# order of `TARGET_COLUMNS`, and every annotator's label packed as "name:label|name:label".
TARGET_COLUMNS = (
    "sentence_id",
    "document_id",
    "text",
    "actor",
    "mention",
    "start",
    "end",
    "label",
    "status",
    "annotator",
    "labels",
    "prediction",
    "score",
    "model",
)
_EXPORT_TARGETS = f"""
with gold as materialized (select * from {GOLD_VIEW})
select s.id, s.document_id, s.text, ac.name, m.text, m.start, m."end", g.label,
  coalesce(g.status, '{UNREVIEWED}'), g.annotator,
  (select group_concat(annotator || ':' || label, '|')
   from (select annotator, label from annotations where mention_id = m.id order by annotator)),
  p.label, p.score, p.model
from documents d
join sentences s on s.document_id = d.id
join mentions m indexed by idx_mentions_sentence_id_start_end on m.sentence_id = s.id
join actors ac on ac.id = m.actor_id
left join gold g on g.mention_id = m.id
left join predictions p on p.id = coalesce(g.prediction_id, {shown_prediction_id("m.id")})
where {published("d.id")}
order by d.rowid, s.position, m.start, m."end"
"""


def iter_export_targets(db: Database) -> Iterator[tuple]:
    """Every target of the export as one row of `TARGET_COLUMNS`, in the export's order."""
    yield from db.execute(_EXPORT_TARGETS)


def published_document_sizes(db: Database) -> Iterator[tuple[str, int]]:
    """(document id, number of sentences) of every document the export holds."""
    yield from db.execute(
        f"""select d.id, (select count(*) from sentences where document_id = d.id)
        from documents d where {published("d.id")} order by d.rowid"""
    )


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
