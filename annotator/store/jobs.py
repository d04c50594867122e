"""Background job records: what to run, how far it got, who holds it and how it ended.

The jobs table is the source of truth for a job's state; the task queue only says which job to
look at next. That way a job survives a restart of the worker: a job still marked running by a
process that no longer exists is queued again, and claiming is atomic, so a job delivered twice
runs once.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from .database import first_row, now, seconds_between

QUEUED, RUNNING, CANCELLING = "queued", "running", "cancelling"
DONE, FAILED, CANCELLED = "done", "failed", "cancelled"
ACTIVE = (QUEUED, RUNNING, CANCELLING)
MIN_PACE_SECONDS = 5  # a bar's time left is told once it has run this long


class JobCancelled(Exception):
    """Raised inside a running job when someone asked to cancel it."""


class JobRefused(Exception):
    """Raised by a job whose input cannot be worked on (its message says why): the job
    fails with that message, without the traceback a bug would deserve."""


def create_job(db: Database, kind: str, params: dict, message: str = "") -> int:
    """Record a queued job with the parameters it runs with; return its id."""
    stamp = now()
    table = db.table("jobs").insert(
        {
            "kind": kind,
            "status": QUEUED,
            "done": 0,
            "total": 0,
            "message": message,
            "params": json.dumps(params),
            "worker": None,
            "created": stamp,
            "updated": stamp,
        }
    )
    return table.last_pk


def claim_job(db: Database, job_id: int, worker: str) -> dict | None:
    """Mark a queued job as running in `worker` and return it; None if it is not queued."""
    with db.atomic():
        cursor = db.execute(
            "update jobs set status = ?, worker = ?, updated = ? where id = ? and status = ?",
            [RUNNING, worker, now(), job_id, QUEUED],
        )
    return get_job(db, job_id) if cursor.rowcount else None


def update_job(db: Database, job_id: int, **fields) -> None:
    """Change a job's counts or message (and status, for the job's own runner). A new total
    with nothing done starts a new progress bar, and its clock (`time_left`)."""
    stamp = now()
    if "total" in fields and fields.get("done") == 0:
        fields["bar_started"] = stamp
    db.table("jobs").update(job_id, {**fields, "updated": stamp})


def time_left(job: dict, at: str | None = None) -> float | None:
    """Seconds a running job's progress bar still needs at its pace so far, or None while
    that pace is unknown (nothing done yet, or less than MIN_PACE_SECONDS since it started)."""
    started, done, total = job.get("bar_started"), job["done"], job["total"]
    if job["status"] != RUNNING or not started or not done or done >= total:
        return None
    elapsed = seconds_between(started, at or now())
    if elapsed < MIN_PACE_SECONDS:
        return None
    return elapsed * (total - done) / done


def save_job_params(db: Database, job_id: int, params: dict) -> None:
    """Replace a job's parameters: what a resumed run of it needs to know."""
    db.table("jobs").update(job_id, {"params": json.dumps(params), "updated": now()})


def advance_job(db: Database, job_id: int, step: int) -> None:
    """Add `step` to the job's done count, or raise JobCancelled if cancelling was asked for."""
    db.execute("update jobs set done = done + ?, updated = ? where id = ?", [step, now(), job_id])
    status = first_row(db, "select status from jobs where id = ?", [job_id])["status"]
    if status == CANCELLING:
        raise JobCancelled


def cancel_job(db: Database, job_id: int) -> bool:
    """Ask a job to stop: a queued job stops at once, a running one at its next step.

    Returns False when the job has already ended.
    """
    with db.atomic():
        queued = db.execute(
            "update jobs set status = ?, message = 'cancelled before it started', updated = ?"
            " where id = ? and status = ?",
            [CANCELLED, now(), job_id, QUEUED],
        ).rowcount
        running = db.execute(
            "update jobs set status = ?, updated = ? where id = ? and status = ?",
            [CANCELLING, now(), job_id, RUNNING],
        ).rowcount
    return bool(queued or running)


def requeue_orphans(db: Database, alive) -> list[int]:
    """Queue again the running jobs whose worker is gone (per `alive`); return all queued ids.

    The ids include jobs that were queued all along: their queue entry may have been taken by a
    worker that died before claiming them. Claiming makes running them twice impossible.
    """
    with db.atomic():
        for job in db.query(
            "select id, worker, status from jobs where status in (?, ?)", [RUNNING, CANCELLING]
        ):
            if not alive(job["worker"]):
                ended = job["status"] == CANCELLING
                db.table("jobs").update(
                    job["id"],
                    {
                        "status": CANCELLED if ended else QUEUED,
                        "worker": None,
                        "message": "cancelled" if ended else "resuming after a restart",
                        "updated": now(),
                    },
                )
    return [
        row["id"] for row in db.query("select id from jobs where status = ? order by id", [QUEUED])
    ]


def get_job(db: Database, job_id: int) -> dict | None:
    """One job with its parameters decoded, or None."""
    job = first_row(db, "select * from jobs where id = ?", [job_id])
    if job is not None:
        job["params"] = json.loads(job["params"] or "{}")
    return job


def recent_jobs(db: Database, limit: int = 10) -> list[dict]:
    """The latest jobs, newest first."""
    return list(db.query("select * from jobs order by id desc limit ?", [limit]))


def create_job_once(
    db: Database, kind: str, params: dict, message: str = "", unless: tuple[str, ...] = ACTIVE
) -> tuple[int, bool]:
    """Record a queued job of `kind` unless one is queued or running; return its id and
    whether it is new. Look and write in one write transaction, so that two requests at once
    (a double click, parallel posts) cannot both find none and both create one.

    `unless`: the statuses that make a new job needless; `(QUEUED,)` for a job whose running
    one may already have passed what the new request asks for (the margins' refresh)."""
    with db.atomic():
        running = active_job(db, kind, unless)
        if running is not None:
            return running["id"], False
        return create_job(db, kind, params, message), True


def active_job(db: Database, kind: str, statuses: tuple[str, ...] = ACTIVE) -> dict | None:
    """The oldest job of this kind that is queued or running (or in `statuses`), or None."""
    marks = ",".join("?" for _ in statuses)
    return first_row(
        db,
        f"select * from jobs where kind = ? and status in ({marks}) order by id limit 1",
        [kind, *statuses],
    )


def running_job(db: Database) -> dict | None:
    """The job the worker is on now (the oldest running one), or None: what a queued job
    waits behind, since the worker runs one job at a time."""
    return first_row(
        db,
        "select id, kind from jobs where status in (?, ?) order by id limit 1",
        [RUNNING, CANCELLING],
    )
