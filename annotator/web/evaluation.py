"""The model report: each model version against the labels reviewed so far."""

from __future__ import annotations

from flask import Blueprint, render_template

from annotator.store.reports import model_reports

from .db import get_db, get_scheme

bp = Blueprint("evaluation", __name__)


@bp.get("/models")
def report():
    scheme = get_scheme()
    return render_template("models.html", reports=model_reports(get_db(), scheme.label_names))
