"""The corpus pictures: actor stance map, label distribution, progress, agreement, anchoring."""

from __future__ import annotations

from flask import Blueprint, render_template

from annotator.corpus_stats import compute, is_large, is_stale, latest_snapshot
from annotator.tasks import STATS

from .db import get_db
from .job_queue import submit_once

bp = Blueprint("stats", __name__)


def _queue_refresh(db) -> None:
    """Queue a snapshot job unless one is already waiting or running."""
    submit_once(STATS, {}, "waiting to compute the corpus figures")


@bp.get("/stats")
def corpus():
    db = get_db()
    if not is_large(db):
        return render_template("stats.html", as_of=None, refreshing=False, **compute(db))
    snapshot = latest_snapshot(db)
    if snapshot is None:
        _queue_refresh(db)
        return render_template("stats_pending.html")
    figures, created = snapshot
    refreshing = is_stale(created)
    if refreshing:
        _queue_refresh(db)
    return render_template("stats.html", as_of=created, refreshing=refreshing, **figures)
