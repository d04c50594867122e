"""Load: simulated annotators labelling through a real server, then a check of every decision.

    python benchmarks/load.py [--annotators 20] [--seconds 60] [--sentences 50000]
    python benchmarks/load.py --annotators 100 --pace 2:4      # people at a human pace
    python benchmarks/load.py --debug-server                   # Werkzeug's, for comparison

Starts `annotator serve --no-worker` on 127.0.0.1 over a synthetic pre-labelled corpus
(built by benchmarks/scale.py's builder) and signs in N annotators, each in its own thread
with its own session. When all have signed in (sign-in hashes a password on purpose slowly,
and people sign in once a day), each accepts sentence after sentence over htmx: as fast as
the server answers, or with `--pace MIN:MAX` after MIN to MAX seconds of reading, loading
the whole review page again every fifth sentence. Prints requests per second and latency
percentiles of the requests after sign-in, then checks the database: every accepted sentence
is stored exactly once for its annotator, and none went to more annotators than the
project's k.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import build  # noqa: E402

from annotator.store.database import connect  # noqa: E402
from annotator.store.users import create_user  # noqa: E402

PASSWORD = "load test password"
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ACCEPT = re.compile(r'action="/sentences/([^"/]+)/accept"')


class Annotator(threading.Thread):
    """One person: a session of their own, accepting sentences until the time is up."""

    def __init__(self, base: str, name: str, start: threading.Event, seconds: float, pace=None):
        super().__init__()
        self.base, self.name, self.start_event, self.seconds = base, name, start, seconds
        self.pace = pace
        self.signed_in = threading.Event()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.latencies: list[float] = []
        self.accepted: list[str] = []
        self.errors = 0

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        with self.opener.open(
            urllib.request.Request(self.base + path, data=body, headers=headers or {})
        ) as response:
            html = response.read().decode()
        if self.start_event.is_set():  # sign-in is not measured
            self.latencies.append(time.perf_counter() - started)
        return html

    def run(self) -> None:
        login = self.request("/login")
        token = FORM_TOKEN.search(login).group(1)
        page = self.request(
            "/login", {"csrf_token": token, "username": self.name, "password": PASSWORD}
        )
        token = TOKEN.search(page).group(1)
        headers = {"HX-Request": "true", "X-CSRFToken": token}
        self.signed_in.set()
        self.start_event.wait()
        rng = random.Random(self.name)
        until = time.time() + self.seconds
        if self.pace:  # people do not start in step
            time.sleep(rng.uniform(0, self.pace[1]))
        while time.time() < until:
            found = ACCEPT.search(page)
            if found is None:
                break  # nothing left in this annotator's queue
            sentence_id = urllib.parse.unquote(found.group(1))
            if self.pace:
                time.sleep(rng.uniform(*self.pace))
            try:
                page = self.request(f"/sentences/{found.group(1)}/accept", {}, headers)
                if self.pace and len(self.accepted) % 5 == 4:
                    page = self.request("/review")  # the whole page again
            except OSError:
                self.errors += 1
                page = self.request("/review")
                continue
            self.accepted.append(sentence_id)


_SERVERS: dict[str, subprocess.Popen] = {}


def server_cpu_seconds(base: str) -> float:
    """CPU seconds the server at `base` and its processes have used so far (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [_SERVERS[base].pid]
    total, seen = 0.0, set()
    while pids:
        pid = pids.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            for task in Path(f"/proc/{pid}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total


def pace(text: str) -> tuple[float, float]:
    low, _, high = text.partition(":")
    return float(low), float(high or low)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(db_path: Path, secret: str, options: list[str]):
    """`annotator serve` (no worker, with `options`) on a free port for as long as the block
    runs; yields its base URL once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", "serve", "--no-worker", "--port", str(port)]
        + ["--db", str(db_path), *options],
        env={**os.environ, "ANNOTATOR_SECRET_KEY": secret},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login").close()
                break
            except OSError:
                time.sleep(0.2)
        _SERVERS[base] = server
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sentences", type=int, default=50_000)
    parser.add_argument("--overlap", type=int, default=2)
    parser.add_argument(
        "--pace", type=pace, default=None, help="MIN:MAX seconds of reading before each decision"
    )
    parser.add_argument("--workers", type=int, help="the server's processes (its default if unset)")
    parser.add_argument("--debug-server", action="store_true", help="Werkzeug's server instead")
    args = parser.parse_args()
    options = ["--debug"] if args.debug_server else []
    options += ["--workers", str(args.workers)] if args.workers else []
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "load.db"
        build(db_path, args.sentences)
        db = connect(db_path)
        from annotator.store.assignments import set_overlap

        set_overlap(db, args.overlap)
        names = [f"annotator-{n}" for n in range(args.annotators)]
        for name in names:
            create_user(db, name, PASSWORD, "annotator")
        db.close()
        with served(db_path, "load-test", options) as base:
            start = threading.Event()
            workers = [Annotator(base, name, start, args.seconds, args.pace) for name in names]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.signed_in.wait()
            started, clients_cpu = time.time(), time.process_time()
            start.set()
            for worker in workers:
                worker.join()
            elapsed, clients_cpu = time.time() - started, time.process_time() - clients_cpu
            server_cpu = server_cpu_seconds(base)
        latencies = [t for w in workers for t in w.latencies]
        accepted = {(w.name, s) for w in workers for s in w.accepted}
        attempts = sum(len(w.accepted) for w in workers)
        cents = statistics.quantiles(latencies, n=100)
        how = f"one decision every {args.pace[0]:g}-{args.pace[1]:g} s" if args.pace else "flat out"
        server = "Werkzeug" if args.debug_server else f"gunicorn {args.workers or 'default'}"
        print(
            f"{args.annotators} annotators ({how}, {server}) for {elapsed:.0f} s, "
            f"k = {args.overlap}: "
            f"{len(latencies):,} requests, {len(latencies) / elapsed:,.0f} requests/s"
        )
        print(
            f"CPU per request: clients {1000 * clients_cpu / len(latencies):.1f} ms, server "
            f"{1000 * server_cpu / len(latencies):.1f} ms (its processes, sign-in included)"
        )
        print(
            f"latency p50 {1000 * cents[49]:.1f} ms, p95 {1000 * cents[94]:.1f} ms, "
            f"p99 {1000 * cents[98]:.1f} ms; {sum(w.errors for w in workers)} failed requests"
        )
        conn = sqlite3.connect(db_path)
        stored = set(
            conn.execute(
                "select annotator, sentence_id from reviews where status = 'done'"
            ).fetchall()
        )
        decisions = conn.execute(
            "select count(*), count(distinct annotator || '|' || sentence_id) from decisions"
            " where action = 'accept'"
        ).fetchone()
        most = conn.execute(
            "select coalesce(max(n), 0) from (select count(*) as n from reviews"
            " where status = 'done' group by sentence_id)"
        ).fetchone()[0]
        conn.close()
        lost = accepted - stored
        print(
            f"decisions: {attempts:,} accepted by the clients, {len(stored):,} stored, "
            f"{len(lost)} lost, {decisions[0] - decisions[1]} duplicated, "
            f"at most {most} annotators per sentence (k = {args.overlap})"
        )
        if lost or decisions[0] != decisions[1] or len(stored) != attempts or most > args.overlap:
            raise SystemExit("FAILED: decisions were lost, duplicated or over-shared")


if __name__ == "__main__":
    main()
