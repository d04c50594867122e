"""Background jobs in the browser: follow one with a progress bar, cancel it, re-run a model."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for

from annotator.models import DEFAULT_MODEL
from annotator.models.registry import models_dir_beside, trained_specs
from annotator.store.diff import model_versions
from annotator.store.jobs import (
    QUEUED,
    cancel_job,
    get_job,
    recent_jobs,
    running_job,
    time_left,
)
from annotator.store.users import LEAD
from annotator.tasks import PRELABEL, prelabel_params

from .access import requires
from .db import get_db
from .forms import ActionForm, RerunForm
from .htmx import htmx
from .job_queue import get_queue

bp = Blueprint("job_pages", __name__)


def _models_dir():
    return models_dir_beside(current_app.config["DB"])


def _known_specs() -> list[str]:
    """Specs to suggest: the default, every trained model, and every model that has run."""
    used = [version["model"] for version in model_versions(get_db())]
    return list(dict.fromkeys([DEFAULT_MODEL, *trained_specs(_models_dir()), *used]))


def _page(form: RerunForm, status: int = 200):
    jobs = recent_jobs(get_db(), 20)
    return render_template("jobs.html", jobs=jobs, form=form, specs=_known_specs()), status


@bp.app_template_global()
def job_ahead(job: dict) -> dict | None:
    """The job a queued `job` waits behind (every page that shows a job says so)."""
    if job["status"] != QUEUED:
        return None
    running = running_job(get_db())
    return running if running and running["id"] != job["id"] else None


@bp.app_template_global("time_left")
def time_left_in_words(job: dict) -> str | None:
    """ "about 3 min left" for a running job whose pace is known (every page that shows one)."""
    seconds = time_left(job)
    if seconds is None:
        return None
    if seconds < 60:
        return "less than a minute left"
    return f"about {round(seconds / 60)} min left"


@bp.get("/jobs")
@requires(LEAD)  # leads follow jobs; only admins start or cancel one (the page hides the form)
def index():
    return _page(RerunForm(_models_dir(), model=current_app.config["MODEL"]))


@bp.post("/jobs")
def rerun():
    """Queue a run of the chosen model over every mention it has not labelled yet."""
    form = RerunForm(_models_dir())
    if not form.validate_on_submit():
        return _page(form, 400)
    params = prelabel_params(form.model.data, current_app.config["BATCH_SIZE"])
    job_id = get_queue().submit(PRELABEL, params)
    return redirect(url_for("job_pages.show", job_id=job_id), 303)


def _job_or_404(job_id: int) -> dict:
    job = get_job(get_db(), job_id)
    if job is None:
        abort(404, f"No job {job_id}.")
    return job


@bp.get("/jobs/<int:job_id>")
@requires(LEAD)  # the documents page follows running jobs for leads too
def show(job_id: int):
    job = _job_or_404(job_id)
    if htmx:
        return render_template("_job.html", job=job, form=ActionForm())
    return render_template("job.html", job=job, form=ActionForm())


@bp.post("/jobs/<int:job_id>/cancel")
def cancel(job_id: int):
    _job_or_404(job_id)
    form = ActionForm()
    if form.validate_on_submit():
        cancel_job(get_db(), job_id)
    if htmx:
        return render_template("_job.html", job=get_job(get_db(), job_id), form=form)
    return redirect(url_for("job_pages.show", job_id=job_id), 303)
