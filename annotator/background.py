"""Pre-labelling in a background thread, reporting progress through the jobs table."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from annotator.models import load_model
from annotator.models.registry import models_dir_beside
from annotator.prelabel import pending_count, prelabel
from annotator.store.database import connect, project_scheme
from annotator.store.jobs import DONE, FAILED, RUNNING, advance_job, create_job, update_job

log = logging.getLogger(__name__)
# One model run at a time: two would compete for the same CPU cores and mentions.
_RUN_LOCK = threading.Lock()


def start_prelabel_job(db_path: str | Path, model_spec: str, batch_size: int = 64) -> int:
    """Queue a pre-labelling job for every unpredicted mention and start it; return its id."""
    db = connect(db_path)
    try:
        job_id = create_job(db, "prelabel", message=f"waiting to run {model_spec}")
    finally:
        db.close()
    thread = threading.Thread(
        target=_run, args=(db_path, job_id, model_spec, batch_size), daemon=True
    )
    thread.start()
    return job_id


def _run(db_path, job_id: int, model_spec: str, batch_size: int) -> None:
    db = connect(db_path)
    try:
        with _RUN_LOCK:
            model = load_model(model_spec, models_dir_beside(db_path))
            scheme = project_scheme(db)
            total = pending_count(db, model, scheme)
            update_job(db, job_id, status=RUNNING, total=total, message=f"running {model.spec}")
            prelabel(db, model, scheme, batch_size, lambda n: advance_job(db, job_id, n))
            update_job(db, job_id, status=DONE, message=f"pre-labelled by {model.spec}")
    except Exception as error:  # the page shows the failure instead of a silent dead thread
        log.exception("pre-labelling job %s failed", job_id)
        update_job(db, job_id, status=FAILED, message=f"{type(error).__name__}: {error}")
    finally:
        db.close()
