"""The app's handle on the background job queue, made once per app."""

from __future__ import annotations

from flask import current_app

from annotator.store.jobs import ACTIVE
from annotator.store.learning import learning_due
from annotator.tasks import LEARN, learn_params
from annotator.worker import JobQueue


def get_queue() -> JobQueue:
    """The job queue of the app's database."""
    queue = current_app.extensions.get("annotator_jobs")
    if queue is None or queue.db_path != str(current_app.config["DB"]):
        queue = current_app.extensions["annotator_jobs"] = JobQueue(current_app.config["DB"])
    return queue


def submit_once(
    kind: str, params: dict, message: str, unless: tuple[str, ...] = ACTIVE
) -> tuple[int, bool]:
    """Queue a job of `kind` unless one is queued or running (or in `unless`); return its id
    and whether it is new."""
    return get_queue().submit_once(kind, params, message, unless)


def learn_when_due(db) -> None:
    """Start the learning loop by itself once the project's `learn_every` new gold labels
    have come in (see `store.learning`)."""
    if learning_due(db):
        params = learn_params("auto", current_app.config["BATCH_SIZE"])
        submit_once(LEARN, params, "started by itself: new gold labels came in")
