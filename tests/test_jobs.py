"""Background jobs: claiming, cancelling, restart recovery, and the pages that follow them."""

import io
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from annotator.ingest import import_file
from annotator.prelabel import CHUNK
from annotator.schemes import get_scheme
from annotator.store import jobs
from annotator.store.database import open_database
from annotator.store.prelabels import set_active_model, shown_labels
from annotator.worker import JobQueue, queue_path, run_job, uploads_dir

from .conftest import HX, SEED, signed_in

EMBEDDING = "embedding:all-MiniLM-L6-v2"


def test_a_job_is_claimed_once(db):
    job_id = jobs.create_job(db, "prelabel", {"model": "embedding"})
    assert jobs.claim_job(db, job_id, "host:1")["status"] == jobs.RUNNING
    assert jobs.claim_job(db, job_id, "host:2") is None
    assert jobs.get_job(db, job_id)["worker"] == "host:1"


def test_cancelling_a_queued_job_ends_it_before_it_starts(db):
    job_id = jobs.create_job(db, "prelabel", {})
    assert jobs.cancel_job(db, job_id)
    assert jobs.get_job(db, job_id)["status"] == jobs.CANCELLED
    assert jobs.claim_job(db, job_id, "host:1") is None
    assert not jobs.cancel_job(db, job_id)


def test_a_running_job_stops_at_its_next_step_when_cancelled(db):
    job_id = jobs.create_job(db, "prelabel", {})
    jobs.claim_job(db, job_id, "host:1")
    jobs.advance_job(db, job_id, 5)
    assert jobs.cancel_job(db, job_id)
    with pytest.raises(jobs.JobCancelled):
        jobs.advance_job(db, job_id, 5)
    assert jobs.get_job(db, job_id)["done"] == 10


def test_a_running_job_tells_its_time_left_from_its_bar_s_pace(client, db):
    from datetime import datetime, timedelta

    job_id = jobs.create_job(db, "starter", {})
    jobs.claim_job(db, job_id, "host:1")
    jobs.update_job(db, job_id, total=1000, done=0, unit="step")
    job = jobs.get_job(db, job_id)
    later = lambda seconds: (  # noqa: E731
        datetime.fromisoformat(job["bar_started"]) + timedelta(seconds=seconds)
    ).isoformat()
    assert jobs.time_left(job, later(60)) is None  # nothing done yet: no pace
    jobs.advance_job(db, job_id, 250)
    job = jobs.get_job(db, job_id)
    assert jobs.time_left(job, later(2)) is None  # too soon to tell
    assert jobs.time_left(job, later(60)) == pytest.approx(180)
    jobs.update_job(db, job_id, total=10, done=0, unit="mention")  # the next stage's bar
    restarted = jobs.get_job(db, job_id)
    assert restarted["bar_started"] >= job["bar_started"] and jobs.time_left(restarted) is None
    db.execute(
        "update jobs set bar_started = ?, done = 5 where id = ?",
        ["2000-01-01T00:00:00+00:00", job_id],
    )
    html = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "5 / 10 mentions, about" in html and "min left" in html
    jobs.update_job(db, job_id, status=jobs.DONE)
    assert "left" not in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_jobs_of_dead_workers_are_queued_again(db):
    dead, alive, cancelling = (jobs.create_job(db, "prelabel", {}) for _ in range(3))
    waiting = jobs.create_job(db, "prelabel", {})
    jobs.claim_job(db, dead, "gone:1")
    jobs.claim_job(db, alive, "here:2")
    jobs.claim_job(db, cancelling, "gone:3")
    jobs.cancel_job(db, cancelling)
    queued = jobs.requeue_orphans(db, lambda worker: worker.startswith("here"))
    assert queued == [dead, waiting]
    assert jobs.get_job(db, dead)["message"] == "resuming after a restart"
    assert jobs.get_job(db, alive)["status"] == jobs.RUNNING
    assert jobs.get_job(db, cancelling)["status"] == jobs.CANCELLED


def test_the_worker_records_cancel_and_failure(db, db_path, monkeypatch):
    def cancelled_midway(db, db_path, job):
        jobs.update_job(db, job["id"], total=10)
        jobs.advance_job(db, job["id"], 4)
        jobs.cancel_job(db, job["id"])
        jobs.advance_job(db, job["id"], 4)

    def broken(db, db_path, job):
        raise ValueError("no such model")

    monkeypatch.setattr("annotator.worker.RUNNERS", {"a": cancelled_midway, "b": broken})
    first, second = jobs.create_job(db, "a", {}), jobs.create_job(db, "b", {})
    run_job(str(db_path), first)
    run_job(str(db_path), second)
    assert jobs.get_job(db, first)["status"] == jobs.CANCELLED
    assert jobs.get_job(db, first)["message"] == "cancelled after 8 of 10"
    assert jobs.get_job(db, second)["status"] == jobs.FAILED
    assert jobs.get_job(db, second)["message"] == "ValueError: no such model"


def job_id_of(response) -> int:
    location = response.headers.get("HX-Redirect") or response.location
    return int(re.search(r"/jobs/(\d+)$", location).group(1))


@pytest.mark.parametrize("headers", [{}, HX])
def test_a_browser_import_runs_as_a_job_with_progress(client, db, db_path, headers):
    text = "Angela Merkel praised Emmanuel Macron. Merkel later criticised Boris Johnson."
    response = client.post("/imports/new", data={"title": "Summit", "text": text}, headers=headers)
    assert response.status_code == (200 if headers else 303)
    job_id = job_id_of(response)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Import #" in page and ": queued" in page and "Cancel</button>" in page
    assert db.table("documents").count_where("title = 'Summit'") == 0

    set_active_model(db, EMBEDDING)  # the fixture's stub is no model the worker can load
    assert JobQueue(db_path).run_pending() == 1
    job = jobs.get_job(db, job_id)
    assert job["status"] == "done", job["message"]
    assert job["unit"] == "mention" and job["done"] == job["total"] >= 3
    assert "1 document," in job["message"] and f"with {EMBEDDING}" in job["message"]
    new_mentions = db.query(
        """select count(*) as n from mentions m join sentences s on s.id = m.sentence_id
           join documents d on d.id = s.document_id join predictions p on p.mention_id = m.id
           where d.title = 'Summit' and p.model = ?""",
        [EMBEDDING],
    )
    assert next(new_mentions)["n"] >= 3
    assert list(uploads_dir(db_path).iterdir()) == []
    partial = client.get(f"/jobs/{job_id}", headers=HX).get_data(as_text=True).lstrip()
    assert partial.startswith(f'<div id="job-{job_id}"') and "hx-trigger" not in partial
    assert "Cancel" not in partial and ": done" in partial


def test_an_import_is_pre_labelled_by_the_model_annotators_are_shown(
    client, db, db_path, nli_model_dir
):
    """The project's active model when the job runs (a starter promoted while the import
    waited in the queue, say), not the server's: else the new sentences' cards show none."""
    text = "Angela Merkel praised Emmanuel Macron. Merkel later criticised Boris Johnson."
    job_id = job_id_of(client.post("/imports/new", data={"title": "Summit", "text": text}))
    active = f"nli:{nli_model_dir}"
    set_active_model(db, active)  # promoted while the import waited
    assert JobQueue(db_path).run_pending() == 1
    job = jobs.get_job(db, job_id)
    assert job["status"] == "done" and f"with {active}" in job["message"], job["message"]
    mention_ids = [
        row["id"]
        for row in db.query(
            """select m.id from mentions m join sentences s on s.id = m.sentence_id
               join documents d on d.id = s.document_id where d.title = 'Summit'"""
        )
    ]
    assert len(mention_ids) >= 3
    assert sorted(shown_labels(db, mention_ids)) == sorted(mention_ids)
    assert db.table("predictions").count_where("model = ?", [EMBEDDING]) == 0
    card = client.get("/review/summit:1").get_data(as_text=True)
    assert "no pre-label yet" not in card


def test_bad_uploads_are_reported_on_the_form_and_not_kept(client, db, db_path):
    data = {"file": (io.BytesIO(b'{"text": "Merkel spoke."}\n{broken\n'), "bad.jsonl")}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "bad.jsonl, line 2: not valid JSON" in html
    assert db.table("jobs").count == 0 and list(uploads_dir(db_path).iterdir()) == []


def test_an_upload_whose_format_is_named_on_the_form_is_read_in_that_format(client, db):
    lines = b'{"title": "Summit", "text": "Merkel met Macron in Paris."}\n'
    data = {"file": (io.BytesIO(lines), "export.txt"), "format": "jsonl"}  # not one document
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    assert jobs.get_job(db, job_id_of(response))["params"]["format"] == "jsonl"
    # a CSV whose header tells nothing: the reason says how to name it, in the browser too
    data = {"file": (io.BytesIO(b"who,what\nMerkel,spoke\n"), "table.csv")}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Format on the Import page" in html
    data = {"file": (io.BytesIO(lines), "export.jsonl"), "format": "excel"}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(True)
    page = client.get("/imports/new").get_data(as_text=True)
    assert f'data-max-bytes="{16 * 1024 * 1024}"' in page and "up to 16 MiB" in page


@pytest.mark.parametrize("headers", [{}, HX])
def test_a_queued_job_can_be_cancelled_from_its_page(client, db, db_path, headers):
    response = client.post("/jobs", data={"model": "embedding"})
    assert response.status_code == 303
    job_id = job_id_of(response)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'hx-trigger="every 3s"' in page  # queued: it only waits for its turn
    response = client.post(f"/jobs/{job_id}/cancel", headers=headers)
    if headers:
        assert response.status_code == 200
        assert response.get_data(as_text=True).lstrip().startswith(f'<div id="job-{job_id}"')
    else:
        assert response.status_code == 303 and response.location == f"/jobs/{job_id}"
    JobQueue(db_path).run_pending()
    assert jobs.get_job(db, job_id)["status"] == jobs.CANCELLED
    assert db.table("predictions").count_where("model = ?", [EMBEDDING]) == 0


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "This field is required"),
        ("gpt:4", "unknown model spec"),
        ("trained:missing", "no trained model &#39;missing&#39;"),
        ("nli:../../../no/such/model", "nor a Hub model name"),
        ("nli:/etc/passwd", "&#39;/etc/passwd&#39; is not a model folder"),
        ("embedding:/etc", "&#39;/etc&#39; is not a model folder"),
        ("nli:/no/such/folder", "no model folder &#39;/no/such/folder&#39;"),
        ("nli:owner/name/more", "nor a Hub model name"),
    ],
)
def test_the_rerun_form_names_a_bad_model(client, db, spec, message):
    response = client.post("/jobs", data={"model": spec})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.table("jobs").count == 0


def test_the_jobs_page_lists_jobs_and_suggests_models(client, db):
    jobs.create_job(db, "prelabel", {"model": "embedding"}, "waiting for the worker")
    page = client.get("/jobs").get_data(as_text=True)
    assert "Model run #1" in page and '<option value="stub:first">' in page
    assert client.get("/jobs/99").status_code == 404
    assert client.post("/jobs/99/cancel").status_code == 404


def test_a_lead_follows_jobs_but_starts_and_cancels_none(app, db):
    """The list and each job open for a lead, as the documents page's links promise; the
    re-run form and the cancel button are not shown, and posting them is refused."""
    jobs.create_job(db, "prelabel", {"model": "embedding"}, "waiting for the worker")
    lead = signed_in(app, "lea", "lead")
    page = lead.get("/jobs").get_data(as_text=True)
    assert "Model run #1" in page and "Re-run a model" not in page and ">Cancel<" not in page
    assert 'href="/jobs"' in lead.get("/jobs/1").get_data(as_text=True)
    assert lead.post("/jobs", data={"model": "embedding"}).status_code == 403
    assert lead.post("/jobs/1/cancel").status_code == 403
    assert jobs.get_job(db, 1)["status"] == "queued" and db.table("jobs").count == 1


def annotator_command(*args):
    return [sys.executable, "-m", "annotator.cli", *args]


def wait_until(condition, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_job_survives_a_killed_worker(db, db_path, tmp_path):
    """kill -9 the worker mid-run; a new worker resumes the job and labels each mention once."""
    labels = get_scheme("stance").label_names
    for copy in range(9):  # about 1,050 mentions: three chunks of work
        path = tmp_path / f"copy-{copy}.txt"
        path.write_text(f"Edition {copy}.\n\n" + SEED.read_text(encoding="utf-8"), "utf-8")
        import_file(db, path, "txt", labels)
    mentions = db.table("mentions").count
    assert mentions > 2 * CHUNK  # a whole chunk is still to do when the first is stored
    env = {**os.environ, "ANNOTATOR_DB": str(db_path)}
    submitted = subprocess.run(
        annotator_command("jobs", "rerun", "--model", "embedding"),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    job_id = int(re.search(r"queued job (\d+)", submitted.stdout).group(1))

    def job():
        return jobs.get_job(db, job_id)

    def predicted() -> int:
        return db.table("predictions").count_where("model = ?", [EMBEDDING])

    worker = subprocess.Popen(annotator_command("worker"), env=env)
    try:
        wait_until(lambda: job()["status"] == jobs.RUNNING and job()["done"] > 0)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    stopped, kept = job(), predicted()
    # The kill landed mid-run: the first chunk stored and counted, the rest not.
    assert stopped["status"] == jobs.RUNNING and stopped["worker"].endswith(f":{worker.pid}")
    assert 0 < stopped["done"] < mentions and stopped["total"] == mentions
    assert kept < mentions and kept % CHUNK == 0 and stopped["done"] <= kept

    worker = subprocess.Popen(annotator_command("worker"), env=env)
    try:
        wait_until(lambda: job()["status"] in (jobs.DONE, jobs.FAILED))
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)
    assert job()["status"] == jobs.DONE, job()["message"]
    predicted_pairs = db.execute(
        "select count(*), count(distinct mention_id) from predictions where model = ?", [EMBEDDING]
    ).fetchone()
    assert predicted_pairs == (mentions, mentions)
    # The resumed run did only what the killed one had not stored.
    assert (job()["total"], job()["done"]) == (mentions - kept, mentions - kept)
    assert queue_path(db_path).exists()
    assert json.loads(json.dumps(job()["params"])) == {"model": "embedding", "batch_size": 64}


def processes_with(fragment: str) -> list[int]:
    """Process ids whose command line contains `fragment` (read from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    if fragment.encode() in cmdline.read().replace(b"\0", b" "):
                        found.append(int(entry))
            except OSError:
                continue
    return found


def test_the_worker_of_a_killed_server_stops_too(db_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        annotator_command("serve", "--db", str(db_path), "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        fragment = f"--exit-with {server.pid}"
        [worker] = wait_until(lambda: processes_with(fragment), timeout=60)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    wait_until(lambda: not processes_with(fragment), timeout=30)
    assert worker not in processes_with("annotator.cli worker")


def test_a_browser_upload_is_named_after_its_file(client, db, db_path):
    data = {"file": (io.BytesIO(b"Angela Merkel met Joe Biden in Berlin.\n"), "berlin-summit.txt")}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    assert JobQueue(db_path).run_pending() == 1
    document = db.table("documents").get("berlin-summit")
    assert document["title"] == "Berlin summit"
    assert db.table("sentences").count_where("document_id = 'berlin-summit'") == 1
    assert list(uploads_dir(db_path).iterdir()) == []


def test_a_browser_import_pre_labels_only_its_own_mentions(client, db, db_path):
    seed_mentions = db.table("mentions").count
    assert seed_mentions > 50  # none of them has a prediction from the import's model
    text = "Angela Merkel praised Emmanuel Macron. Merkel later criticised Boris Johnson."
    response = client.post("/imports/new", data={"title": "Summit", "text": text})
    job_id = job_id_of(response)
    set_active_model(db, EMBEDDING)  # the fixture's stub is no model the worker can load
    assert JobQueue(db_path).run_pending() == 1
    job = jobs.get_job(db, job_id)
    own = next(
        db.query(
            """select count(*) as n from mentions m join sentences s on s.id = m.sentence_id
            join documents d on d.id = s.document_id where d.title = 'Summit'"""
        )
    )["n"]
    assert job["status"] == "done" and job["unit"] == "mention"
    assert job["total"] == job["done"] == own >= 3
    assert f"pre-labelled {own} mentions" in job["message"]
    [summit] = job["params"]["documents"]  # kept for a run resumed after the upload is gone
    assert db.table("documents").get(summit)["title"] == "Summit"
    assert db.table("predictions").count_where("model = ?", [EMBEDDING]) == own
    assert db.table("mentions").count == seed_mentions + own


def test_parallel_requests_for_one_kind_of_job_create_one(db_path):
    """Ten Train-now posts at once (a double click, a script): one job, and every request is
    told its id."""
    from concurrent.futures import ThreadPoolExecutor

    queue = JobQueue(db_path)
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: queue.submit_once("learn", {}, "waiting"), range(10)))
    assert [new for _, new in results].count(True) == 1
    assert len({job_id for job_id, _ in results}) == 1
    db = open_database(db_path)
    assert db["jobs"].count_where("kind = 'learn'") == 1
    assert queue.huey.pending_count() == 1  # and the worker was handed it once
    db.close()


def test_jobs_list_says_when_there_are_none(db_path, db):
    from click.testing import CliRunner

    from annotator.cli import main

    result = CliRunner().invoke(main, ["jobs", "list", "--db", str(db_path)])
    assert result.exit_code == 0 and result.output.startswith("no jobs yet")


def test_a_queued_job_says_which_job_it_waits_behind(client, db):
    """A browser import queued while the worker builds the starter says so, not just 'queued'."""
    building = jobs.create_job(db, "starter", {}, "waiting for the worker")
    jobs.claim_job(db, building, "host:1")
    waiting = jobs.create_job(db, "import", {}, "waiting for the worker")
    page = client.get(f"/jobs/{waiting}").get_data(as_text=True)
    assert f'is on\n    <a href="/jobs/{building}">Starter model #{building}</a>' in page
    assert "is on" not in client.get(f"/jobs/{building}").get_data(as_text=True)
    jobs.update_job(db, building, status="done")
    assert "is on" not in client.get(f"/jobs/{waiting}").get_data(as_text=True)
