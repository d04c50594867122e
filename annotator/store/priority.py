"""The order the queue serves sentences in, kept per sentence so that a claim walks an index.

`sentence_priority` has one row for each sentence with actors: its document's rowid and its
position (the document order); `margin`, the smallest margin among the pre-labels shown for
its mentions (null when none is shown); and `full`, whether k annotators hold it. Each queue
order has an index in that order over the sentences that are not full, so finding the next
free sentence reads the index from its start and stops at the first one: with or without
planner statistics, at any corpus size, however many sentences are done.

The margins follow the writes that change them: mentions added or removed (`corpus`,
`mention_edits`), predictions of the active model stored (`predictions`), and the active
model changed (`prelabels`: marked stale with the switch, then re-read in short transactions,
resumed by the worker after a crash; meanwhile the uncertainty order mixes the two models'
margins, which changes which sentence comes next but never who may label it). `full` is kept
by SQLite itself (triggers), since assignments are written by the queue, by opening a sentence
by its URL and by imports, and k can change.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable

from sqlite_utils import Database

from .assignments import OVERLAP_SETTING, full_sql
from .prelabels import shown_prediction_id

TABLE = "sentence_priority"
# The least certain shown pre-label first: its label teaches a model most. Sentences with no
# pre-label shown come last; ties in document order.
ORDER_BY = {
    "document": "document_rowid, position",
    "uncertainty": "margin is null, margin, document_rowid, position",
}
OPEN = "full = 0"  # the sentences each order's index holds; a walk's query says it too


def sentence_margin(sentence: str) -> str:
    """SQL for the priority of the sentence whose id is the SQL `sentence`: the smallest margin
    among the pre-labels shown for its mentions, null when none is shown."""
    return f"""(select min(p.margin) from mentions m
      join predictions p on p.id = {shown_prediction_id("m.id")}
      where m.sentence_id = {sentence})"""


def _rows(sentences: str) -> str:
    """SQL for the rows of the sentences with actors among those the SQL condition on `s`
    `sentences` keeps."""
    return f"""
    select s.id, {sentence_margin("s.id")}, d.rowid, s.position, {full_sql("s.id")}
    from sentences s join documents d on d.id = s.document_id
    where {sentences} and exists (select 1 from mentions m where m.sentence_id = s.id)
    """


_LISTED = "(select value from json_each(:sentences))"  # the sentences of a JSON list
_COLUMNS = "(sentence_id, margin, document_rowid, position, full)"


def create_priority_table(db: Database) -> None:
    """Create `sentence_priority` with its order indexes and the triggers that keep `full`,
    and fill it."""
    db.table(TABLE).create(
        {
            "sentence_id": str,
            "margin": float,
            "document_rowid": int,
            "position": int,
            "full": int,
        },
        pk="sentence_id",
        foreign_keys=[("sentence_id", "sentences", "id")],
        not_null={"document_rowid", "position", "full"},
    )
    for order in ORDER_BY:
        _create_order_index(db, order)
    for event, sentence in (("insert", "new"), ("delete", "old")):
        db.execute(
            f"""create trigger {TABLE}_assignment_{event} after {event} on assignments begin
              update {TABLE} set full = {full_sql(f"{sentence}.sentence_id")}
              where sentence_id = {sentence}.sentence_id; end"""
        )
    for event in ("insert", "update"):  # k changed: every sentence may have filled or opened
        db.execute(
            f"""create trigger {TABLE}_overlap_{event} after {event} on settings
              when new.key = '{OVERLAP_SETTING}' begin
              update {TABLE} set full = not full
              where full != {full_sql(f"{TABLE}.sentence_id")}; end"""
        )
    db.execute(f"insert into {TABLE} {_COLUMNS} {_rows('true')}")


def _create_order_index(db: Database, order: str) -> None:
    # The sentence id closes the index, so walking it reads no table row.
    db.execute(
        f"create index {TABLE}_{order} on {TABLE} ({ORDER_BY[order]}, sentence_id) where {OPEN}"
    )


def refresh_priority(db: Database, sentence_ids: Iterable[str]) -> None:
    """Bring the rows of these sentences in step with their mentions and shown pre-labels:
    a sentence that gained its first mention joins the queue, one that lost its last leaves."""
    sentence_ids = list(dict.fromkeys(sentence_ids))
    if not sentence_ids:
        return
    params = {"sentences": json.dumps(sentence_ids)}
    db.execute(
        f"""delete from {TABLE} where sentence_id in {_LISTED}
          and not exists (select 1 from mentions m where m.sentence_id = {TABLE}.sentence_id)""",
        params,
    )
    db.execute(
        f"""insert into {TABLE} {_COLUMNS} {_rows(f"s.id in {_LISTED}")}
          on conflict (sentence_id) do update set margin = excluded.margin""",
        params,
    )


def refresh_priority_of_mentions(db: Database, mention_ids: Iterable[int]) -> None:
    """`refresh_priority` for the sentences of these mentions (after their predictions)."""
    mention_ids = list(mention_ids)
    if not mention_ids:
        return
    rows = db.execute(
        "select distinct sentence_id from mentions where id in (select value from json_each(?))",
        [json.dumps(mention_ids)],
    )
    refresh_priority(db, (sentence_id for (sentence_id,) in rows))


MARGINS_STALE_SETTING = "margins_stale_after"  # sentence id the refresh has reached
MARGIN_CHUNK = 1_000  # sentences in the first transaction of a refresh
MARGIN_TRANSACTION = 0.05  # seconds: the write lock a refresh holds at a time, about
MAX_MARGIN_CHUNK = 50_000


def mark_margins_stale(db: Database) -> None:
    """Every sentence's margin must be read again (another active model): in the caller's
    transaction, with the switch, so that a crash before `refresh_stale_margins` finishes
    leaves the mark for the next run to finish."""
    db.execute(
        "insert into settings (key, value) values (?, '') "
        "on conflict (key) do update set value = ''",
        [MARGINS_STALE_SETTING],
    )


def refresh_stale_margins(db: Database, chunk: int = MARGIN_CHUNK) -> int:
    """Re-read the margins marked stale in short transactions, so that labels and claims go
    on meanwhile (at a million sentences the whole refresh takes most of a minute on two busy
    cores; one transaction would hold the write lock all that time). Each transaction takes
    `chunk` sentences at first; the size then follows the time it took, toward about
    MARGIN_TRANSACTION seconds, since a sentence's cost varies with the machine and its load.
    Between two transactions it waits as long as the last one took: a label waiting for the
    lock sleeps in SQLite's busy handler, and back-to-back transactions would take the lock
    again before it wakes. Returns the sentences refreshed; 0 when nothing was stale."""
    refreshed = 0
    while True:
        started = time.perf_counter()
        with db.atomic():
            row = db.execute(
                "select value from settings where key = ?", [MARGINS_STALE_SETTING]
            ).fetchone()
            if row is None:
                return refreshed
            after = row[0]
            last = db.execute(
                f"""select max(sentence_id), count(*) from (select sentence_id from {TABLE}
                  where sentence_id > ? order by sentence_id limit ?)""",
                [after, chunk],
            ).fetchone()
            if last[0] is None:
                db.execute("delete from settings where key = ?", [MARGINS_STALE_SETTING])
                return refreshed
            db.execute(
                f"""update {TABLE} set margin = {sentence_margin(f"{TABLE}.sentence_id")}
                  where sentence_id > ? and sentence_id <= ?""",
                [after, last[0]],
            )
            db.execute(
                "update settings set value = ? where key = ?", [last[0], MARGINS_STALE_SETTING]
            )
            refreshed += last[1]
        took = time.perf_counter() - started
        time.sleep(took)
        if took < MARGIN_TRANSACTION / 2:
            chunk = min(chunk * 2, MAX_MARGIN_CHUNK)
        elif took > MARGIN_TRANSACTION:
            chunk = max(chunk // 2, 1)
