"""The corpus figures behind the Stats page, computed live or kept as a snapshot.

On a small corpus they are computed on every view. On a large one a full pass over every
mention takes seconds, so a background job computes them and the page shows the latest
snapshot with its time, queueing a fresh one when it has aged.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from annotator.agreement import agreement_report
from annotator.store.anchoring import anchoring_by_annotator
from annotator.store.database import first_row, now
from annotator.store.label_tables import label_tables
from annotator.store.queue import sentences_with_actors
from annotator.store.stats import actor_stances, annotator_speed, label_totals, progress_by_day

SNAPSHOT = "corpus_stats"
LIVE_LIMIT = 50_000  # sentences with actors up to which the page computes its figures itself
MAX_AGE = timedelta(minutes=10)


def compute(db: Database) -> dict:
    """Every figure of the Stats page, as plain JSON-ready data."""
    return {
        "actors": actor_stances(db),
        "totals": label_totals(db),
        "progress": progress_by_day(db),
        "speed": annotator_speed(db),
        "agreement": [[name, agreement_report(table)] for name, table in label_tables(db)],
        "anchoring": anchoring_by_annotator(db),
    }


def is_large(db: Database) -> bool:
    return sentences_with_actors(db) > LIVE_LIMIT


def save_snapshot(db: Database) -> dict:
    """Compute the figures and keep them as the latest snapshot."""
    data = compute(db)
    db.table("snapshots").upsert(
        {"name": SNAPSHOT, "data": json.dumps(data), "created": now()}, pk="name"
    )
    return data


def latest_snapshot(db: Database) -> tuple[dict, str] | None:
    """(figures, when computed) of the latest snapshot, or None."""
    row = first_row(db, "select data, created from snapshots where name = ?", [SNAPSHOT])
    return (json.loads(row["data"]), row["created"]) if row else None


def is_stale(created: str) -> bool:
    return datetime.now(UTC) - datetime.fromisoformat(created) > MAX_AGE
