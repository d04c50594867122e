"""The app's handle on the background job queue, made once per app."""

from __future__ import annotations

from flask import current_app

from annotator.worker import JobQueue


def get_queue() -> JobQueue:
    """The job queue of the app's database."""
    queue = current_app.extensions.get("annotator_jobs")
    if queue is None or queue.db_path != str(current_app.config["DB"]):
        queue = current_app.extensions["annotator_jobs"] = JobQueue(current_app.config["DB"])
    return queue
