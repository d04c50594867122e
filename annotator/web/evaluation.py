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

from annotator.learning_history import learning_history
from annotator.learning_plan import LearningError, plan_learning
from annotator.models.registry import models_dir_beside, trained_meta, training_keys
from annotator.models.starter import STARTER_SPEC
from annotator.store.diff import changed_labels, model_versions, requeue_sentences
from annotator.store.jobs import get_job
from annotator.store.learning import learn_every, promotion_margin
from annotator.store.prelabels import active_model
from annotator.store.reports import model_reports
from annotator.tasks import LEARN, STARTER, learn_params
from annotator.wording import counted

from .db import get_db, get_scheme
from .forms import ActionForm, DiffForm
from .job_queue import submit_once
from .learning_curve import learning_curve

bp = Blueprint("evaluation", __name__)


def _last_job(db, kind: str) -> dict | None:
    row = db.execute("select max(id) from jobs where kind = ?", [kind]).fetchone()
    return get_job(db, row[0]) if row[0] is not None else None


def _starter(db, models_dir) -> dict | None:
    """The built starter's held-out figures and this project's decision about it (its newest
    starter job's): a starter that was not adopted has pre-labelled nothing, so no report
    below names it."""
    meta = trained_meta(STARTER_SPEC, models_dir)
    if meta is None:
        return None
    job = _last_job(db, STARTER)
    return {**meta, "decision": job["params"].get("summary") if job else None}


@bp.get("/models")
def report():
    """The learning loop (Train now, the curve, each trained model's estimate) and every
    model version against the gold it was not trained on; the active one marked."""
    db, scheme = get_db(), get_scheme()
    models_dir = models_dir_beside(current_app.config["DB"])
    seen = partial(training_keys, models_dir=models_dir)
    active = active_model(db)
    history = learning_history(models_dir, db)
    return render_template(
        "models.html",
        reports=model_reports(db, scheme.label_names, seen=seen),
        active=active,
        history=list(reversed(history)),
        curve=learning_curve(history, active),
        job=_last_job(db, LEARN),
        starter=_starter(db, models_dir),
        learn_every=learn_every(db),
        margin=promotion_margin(db),
        form=ActionForm(),
    )


@bp.post("/models/learn")
def train_now():
    """Queue a run of the learning loop (one at a time)."""
    if not ActionForm().validate_on_submit():
        abort(400, "the form expired: reload the page")
    try:  # refused here, with the reason, rather than queued to fail in the worker
        plan_learning(get_db(), models_dir_beside(current_app.config["DB"]))
    except LearningError as error:
        flash(f"Not started: {error}.", "error")
        return redirect(url_for("evaluation.report"), 303)
    params = learn_params("auto", current_app.config["BATCH_SIZE"])
    _, new = submit_once(LEARN, params, "waiting for the worker")
    if new:
        flash("Learning from the gold labels: follow it below.", "info")
    else:
        flash("A learning run is already under way: follow it below.", "info")
    return redirect(url_for("evaluation.report"), 303)


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
    sentence_ids = sorted({c["sentence_id"] for c in changes})
    count = requeue_sentences(get_db(), sentence_ids)
    reviews = counted(count, "review")  # one per annotator of each sentence
    flash(
        f"{reviews} of {counted(len(sentence_ids), 'sentence')} sent back to the front of"
        " the review queues.",
        "info",
    )
    # back to the same diff, named by its fields alone (not the token, nor url_for's own options)
    shown = {"old": form.old.data, "new": form.new.data}
    if form.wrong.data:
        shown["wrong"] = "y"
    return redirect(url_for("evaluation.diff", **shown), 303)
