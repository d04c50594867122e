"""Background job records: what runs, how far it got, and how it ended."""

from __future__ import annotations

from sqlite_utils import Database

from .database import first_row, now

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def create_job(db: Database, kind: str, total: int = 0, message: str = "") -> int:
    """Record a queued job and return its id."""
    stamp = now()
    table = db.table("jobs").insert(
        {
            "kind": kind,
            "status": QUEUED,
            "done": 0,
            "total": total,
            "message": message,
            "created": stamp,
            "updated": stamp,
        }
    )
    return table.last_pk


def update_job(db: Database, job_id: int, **fields) -> None:
    """Change a job's status, counts or message."""
    db.table("jobs").update(job_id, {**fields, "updated": now()})


def advance_job(db: Database, job_id: int, step: int) -> None:
    """Add `step` to the job's done count."""
    db.execute("update jobs set done = done + ?, updated = ? where id = ?", [step, now(), job_id])


def get_job(db: Database, job_id: int) -> dict | None:
    return first_row(db, "select * from jobs where id = ?", [job_id])


def recent_jobs(db: Database, limit: int = 5) -> list[dict]:
    return list(db.query("select * from jobs order by id desc limit ?", [limit]))
