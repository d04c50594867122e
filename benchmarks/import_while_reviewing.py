"""Import while reviewing: annotators label and accept through a real server while a large
import runs beside them.

    python benchmarks/import_while_reviewing.py [--sentences 200000] [--import-sentences 100000]
        [--annotators 8] [--think 0.5] [--before 15] [--corpus PATH]

Builds a pre-labelled corpus (benchmarks/scale.py's builder; with `--corpus`, once, there, and
each run starts from a copy), starts `annotator serve --no-worker`, signs in the annotators,
and has each, in its own thread and session, label a sentence's first actor and accept the
sentence over htmx (CSRF token and all), pausing `--think` seconds after each answer. After
`--before` seconds of reviewing alone, it runs `annotator import` on a JSONL file of plain
documents (NewsMTSC sentences, as benchmarks/import_speed.py writes them) in a child process
and keeps reviewing until the import ends. It prints the latency of the label and accept
requests before and during the import (p50, p95, max) and how many failed, the import's
duration, and how long the import held the write lock: each of its transactions, the publish
step apart.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_speed import newsmtsc_documents  # noqa: E402
from load import FORM_TOKEN, PASSWORD, TOKEN, served  # noqa: E402
from scale import LABELS, build  # noqa: E402

from annotator.store.assignments import set_overlap  # noqa: E402
from annotator.store.database import connect  # noqa: E402
from annotator.store.users import create_user  # noqa: E402

LABEL = re.compile(r'action="/mentions/(\d+)/label"')
ACCEPT = re.compile(r'action="(/sentences/[^"]+/accept)"')

# The import, run as `annotator import` with each top-level transaction timed (from asking
# for the write lock to the commit) and the publish step marked; written to a JSON file.
TIMED_IMPORT = """
import atexit, json, sys, time
from contextlib import contextmanager

from annotator.cli import main
from annotator.ingest import load
from annotator.store.database import LockingDatabase

transactions, publishing = [], []
plain_atomic = LockingDatabase.atomic
# An import from before staging (to compare) has no publish step: its one transaction is listed.
plain_publish = getattr(load, "_publish", None)


@contextmanager
def timed_atomic(self):
    if self.conn.in_transaction:
        with plain_atomic(self):
            yield self
        return
    started = time.time()
    with plain_atomic(self):
        yield self
    transactions.append([started, time.time(), bool(publishing)])
    publishing.clear()


def marked_publish(*args):
    publishing.append(True)
    return plain_publish(*args)


if __name__ == "__main__":  # not in the analysis processes, which import this module
    LockingDatabase.atomic = timed_atomic
    if plain_publish:
        load._publish = marked_publish
    atexit.register(lambda: open(sys.argv[1], "w").write(json.dumps(transactions)))
    main(sys.argv[2:], prog_name="annotator")
"""


class Annotator(threading.Thread):
    """One person: labels the first actor of each sentence, then accepts the sentence."""

    def __init__(self, base: str, name: str, stop: threading.Event, think: float):
        super().__init__()
        self.base, self.name, self.stop, self.think = base, name, stop, think
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.requests: list[tuple[float, float, str]] = []  # (start, seconds, kind)
        self.failures: list[tuple[float, str]] = []
        self.rng = random.Random(name)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        with self.opener.open(request, timeout=120) as response:
            return response.read().decode()

    def timed(self, kind: str, path: str, data: dict, headers: dict) -> str | None:
        started = time.time()
        try:
            page = self.request(path, data, headers)
        except (urllib.error.HTTPError, OSError) as error:
            self.failures.append((started, f"{kind}: {error}"))
            return None
        self.requests.append((started, time.time() - started, kind))
        return page

    def run(self) -> None:
        login = self.request("/login")
        token = FORM_TOKEN.search(login).group(1)
        page = self.request(
            "/login", {"csrf_token": token, "username": self.name, "password": PASSWORD}
        )
        headers = {"HX-Request": "true", "X-CSRFToken": TOKEN.search(page).group(1)}
        while not self.stop.is_set():
            mention = LABEL.search(page)
            if mention is None:
                break  # nothing left in this annotator's queue
            label = {"label": self.rng.choice(LABELS)}
            labelled = self.timed("label", f"/mentions/{mention.group(1)}/label", label, headers)
            time.sleep(self.think)
            accept = ACCEPT.search(labelled or "")
            if accept is not None:
                page = self.timed("accept", accept.group(1), {}, headers)
                time.sleep(self.think)
            else:
                page = labelled
            if page is None:
                page = self.request("/review")


def figures(seconds: list[float]) -> str:
    """Count, p50, p95 and max of durations in seconds."""
    if not seconds:
        return "none"
    ordered = sorted(seconds)

    def at(share: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return (
        f"{len(ordered):5,}  p50 {at(0.5):6.1f} ms  p95 {at(0.95):6.1f} ms  "
        f"max {1000 * ordered[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200_000, help="in the corpus first")
    parser.add_argument("--import-sentences", type=int, default=100_000, help="about this many")
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--think", type=float, default=0.5, help="seconds between requests")
    parser.add_argument("--before", type=float, default=15, help="seconds without the import")
    parser.add_argument(
        "--corpus", type=Path, help="keep the built corpus here and start from a copy of it"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        db_path = folder / "review.db"
        if args.corpus and not args.corpus.exists():
            build(args.corpus, args.sentences)
        if args.corpus:
            shutil.copyfile(args.corpus, db_path)
        else:
            build(db_path, args.sentences)
        db = connect(db_path)
        set_overlap(db, 2)
        names = [f"annotator-{n}" for n in range(args.annotators)]
        for name in names:
            create_user(db, name, PASSWORD, "annotator")
        db.close()
        data = folder / "documents.jsonl"
        with data.open("w", encoding="utf-8") as out:
            for n, text in enumerate(newsmtsc_documents(args.import_sentences)):
                out.write(json.dumps({"id": f"import-{n}", "text": text}) + "\n")
        with served(db_path, "import-while-reviewing") as base:
            stop = threading.Event()
            annotators = [Annotator(base, name, stop, args.think) for name in names]
            for annotator in annotators:
                annotator.start()
            print(f"reviewing alone for {args.before:.0f} s, then importing", flush=True)
            time.sleep(args.before)
            script, log = folder / "timed_import.py", folder / "transactions.json"
            script.write_text(TIMED_IMPORT, encoding="utf-8")
            started = time.time()
            result = subprocess.run(
                [sys.executable, str(script), str(log), "import", str(data)]
                + ["--db", str(db_path)],
                capture_output=True,
                text=True,
            )
            ended = time.time()
            stop.set()
            for annotator in annotators:
                annotator.join()
        if result.returncode:
            sys.exit(f"the import failed: {result.stderr[-2000:]}")
        transactions = json.loads(log.read_text())
    report(args, annotators, started, ended, result.stdout.strip(), transactions)


def report(args, annotators, started, ended, printed, transactions) -> None:
    requests = [r for a in annotators for r in a.requests]
    failures = [f for a in annotators for f in a.failures]
    print(
        f"corpus {args.sentences:,} sentences, {args.annotators} annotators "
        f"(k = 2, {args.think} s between requests), {os.cpu_count()} CPUs"
    )
    print(f"import          {printed}")
    print(f"import command  {ended - started:.1f} s (start-up included)")
    for phase, keep in (
        ("before", lambda t: t < started),
        ("during", lambda t: started <= t < ended),
    ):
        for kind in ("label", "accept"):
            chosen = [s for t, s, k in requests if k == kind and keep(t)]
            print(f"{phase:<7} {kind:<7} {figures(chosen)}")
        failed = [f for t, f in failures if keep(t)]
        print(f"{phase:<7} failed  {len(failed)}" + (f" ({failed[0]})" if failed else ""))
    staging = [end - start for start, end, publish in transactions if not publish]
    publish = [end - start for start, end, is_publish in transactions if is_publish]
    print(f"import's transactions (asking for the lock to commit): {figures(staging)}")
    print(f"publish step (the last transaction): {1000 * sum(publish):.1f} ms")


if __name__ == "__main__":
    main()
