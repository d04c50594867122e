"""The persistent job queue (huey over SQLite, in a file beside the database) and its worker.

The web app and the command line submit jobs; `annotator worker`, which `annotator serve`
starts beside the web server, runs them one at a time (they share the CPU cores with the
model). A worker that starts queues again the jobs a killed worker left running, so a restart
resumes them.
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

from huey import SqliteHuey

from annotator.store.database import connect
from annotator.store.jobs import (
    ACTIVE,
    CANCELLED,
    DONE,
    FAILED,
    JobCancelled,
    JobRefused,
    claim_job,
    create_job,
    create_job_once,
    get_job,
    requeue_orphans,
    update_job,
)
from annotator.store.priority import refresh_stale_margins
from annotator.tasks import RUNNERS

log = logging.getLogger(__name__)


def queue_path(db_path: str | Path) -> Path:
    """The queue's own SQLite file: `annotator.db` keeps its queue in `annotator-queue.db`."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}-queue.db")


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_alive(worker: str | None) -> bool:
    """Whether the process named by `this_worker()` still runs; other hosts are assumed alive."""
    if worker is None:
        return False
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname():
        return True  # a process elsewhere cannot be checked from here
    return pid.isdigit() and process_alive(int(pid))


def run_job(db_path: str, job_id: int) -> None:
    """Claim the job and run it to its end, recording how it ended."""
    db = connect(db_path)
    try:
        job = claim_job(db, job_id, this_worker())
        if job is None:  # cancelled, finished, or held by another worker
            return
        try:
            message = RUNNERS[job["kind"]](db, db_path, job)
        except JobCancelled:
            job = get_job(db, job_id)
            message = f"cancelled after {job['done']} of {job['total']}"
            update_job(db, job_id, status=CANCELLED, message=message)
        except JobRefused as error:
            log.warning("job %s refused: %s", job_id, error)
            update_job(db, job_id, status=FAILED, message=str(error))
        except Exception as error:  # the page shows the failure instead of a silent dead job
            log.exception("job %s failed", job_id)
            update_job(db, job_id, status=FAILED, message=f"{type(error).__name__}: {error}")
        else:
            update_job(db, job_id, status=DONE, message=message)
    finally:
        db.close()


class JobQueue:
    """Submit jobs for one database and run them."""

    def __init__(self, db_path: str | Path):
        self.db_path = str(db_path)
        self.huey = SqliteHuey(
            "annotator", filename=str(queue_path(db_path)), results=False, utc=True
        )
        self._run_job = self.huey.task(name="run_job")(run_job)

    def submit(self, kind: str, params: dict, message: str = "waiting for the worker") -> int:
        """Record a job and queue it; return its id."""
        db = connect(self.db_path)
        try:
            job_id = create_job(db, kind, params, message)
        finally:
            db.close()
        self._run_job(self.db_path, job_id)
        return job_id

    def submit_once(
        self, kind: str, params: dict, message: str, unless: tuple[str, ...] = ACTIVE
    ) -> tuple[int, bool]:
        """Queue a job of `kind` unless one is queued or running (or in `unless`); return its
        id and whether it is new (see `store.jobs.create_job_once`)."""
        db = connect(self.db_path)
        try:
            job_id, new = create_job_once(db, kind, params, message, unless)
        finally:
            db.close()
        if new:
            self._run_job(self.db_path, job_id)
        return job_id, new

    def recover(self) -> list[int]:
        """Queue again every job a dead worker left behind, and finish the queue-order
        refresh of a model switch it left half done; return the job ids queued."""
        db = connect(self.db_path)
        try:
            job_ids = requeue_orphans(db, worker_alive)
            refresh_stale_margins(db)
        finally:
            db.close()
        for job_id in job_ids:
            self._run_job(self.db_path, job_id)
        return job_ids

    def run_pending(self) -> int:
        """Run queued jobs in this thread until none is left; return how many were taken."""
        taken = 0
        while (task := self.huey.dequeue()) is not None:
            self.huey.execute(task)
            taken += 1
        return taken

    def consumer(self):
        """A huey consumer running one job at a time.

        Ctrl+C stops it at once (the interrupted job resumes when a worker starts again);
        SIGTERM lets the current job finish first.
        """
        return self.huey.create_consumer(workers=1, periodic=False, graceful_signal="TERM")


def uploads_dir(db_path: str | Path) -> Path:
    """Where browser uploads wait for their import job, next to the database."""
    folder = Path(db_path).resolve().parent / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
