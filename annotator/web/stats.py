"""The corpus pictures: actor stance map, label distribution and progress per annotator."""

from __future__ import annotations

from flask import Blueprint, render_template

from annotator.agreement import agreement_report
from annotator.store.anchoring import anchoring_by_annotator
from annotator.store.label_tables import label_tables
from annotator.store.stats import actor_stances, annotator_speed, label_totals, progress_by_day

from .db import get_db

bp = Blueprint("stats", __name__)


@bp.get("/stats")
def corpus():
    db = get_db()
    return render_template(
        "stats.html",
        actors=actor_stances(db),
        totals=label_totals(db),
        progress=progress_by_day(db),
        speed=annotator_speed(db),
        agreement=[(name, agreement_report(table)) for name, table in label_tables(db)],
        anchoring=anchoring_by_annotator(db),
    )
