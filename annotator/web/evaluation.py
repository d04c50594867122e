"""Model pages: each version against the gold labels so far, and the diff of two versions."""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from annotator.models.registry import models_dir_beside, training_keys
from annotator.store.diff import changed_labels, model_versions, requeue_sentences
from annotator.store.prelabels import active_model
from annotator.store.reports import model_reports
from annotator.wording import counted

from .db import get_db, get_scheme
from .forms import DiffForm

bp = Blueprint("evaluation", __name__)


@bp.get("/models")
def report():
    """Every model version against the gold it was not trained on; the active one marked."""
    db, labels = get_db(), get_scheme().label_names
    seen = partial(training_keys, models_dir=models_dir_beside(current_app.config["DB"]))
    return render_template(
        "models.html", reports=model_reports(db, labels, seen=seen), active=active_model(db)
    )


def _diff_form(formdata):
    versions = model_versions(get_db())
    form = DiffForm(versions, formdata=formdata, meta={"csrf": False})
    if formdata is None and len(versions) >= 2:  # newest two by default
        form.new.data, form.old.data = form.new.choices[0].value, form.new.choices[1].value
    return form


@bp.get("/models/diff")
def diff():
    """Pre-labels that changed between two model versions."""
    form = _diff_form(request.args if request.args else None)
    changes = []
    if form.old.data and form.new.data and (not request.args or form.validate()):
        changes = changed_labels(
            get_db(), form.split(form.old.data), form.split(form.new.data), form.wrong.data
        )
    status = 400 if form.errors else 200
    return render_template("diff.html", form=form, changes=changes), status


@bp.post("/models/diff/requeue")
def requeue():
    """Send the sentences of a diff back to the front of the review queues."""
    form = _diff_form(request.form)
    if not form.validate():
        abort(400, "pick two model versions")
    changes = changed_labels(
        get_db(), form.split(form.old.data), form.split(form.new.data), form.wrong.data
    )
    count = requeue_sentences(get_db(), sorted({c["sentence_id"] for c in changes}))
    sentences = counted(count, "reviewed sentence")
    flash(f"{sentences} sent back to the front of the review queue.", "info")
    return redirect(url_for("evaluation.diff", **request.form.to_dict(flat=True)), 303)
