"""Scale: build a database of N sentences (two actors each, pre-labelled) and time the hot paths.

    python benchmarks/scale.py --sentences 1000000 --db /tmp/scale.db --without-statistics

Builds the database once through the app's own store functions (kept for later runs), then
prints, server-side:
- serving the next review item and saving a decision in each queue order (p50/p95 over many
  rounds, the same store calls the review page makes), with `--without-statistics` also with
  the planner statistics deleted (put back afterwards),
- with `--switch-model`, how long changing the active model takes (every margin re-read) and
  how long a decision made meanwhile waits for the write lock,
- with `--reviewed N`, the same part-way through a project: N sentences done first,
- rendering the stats page (through the Flask test client),
- streaming the whole export as JSONL, CSV and Parquet (sentences per second, peak memory
  of each),
- (import speed has its own script: benchmarks/import_speed.py).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from annotator.models.base import Prediction, StanceModel
from annotator.prelabel import prelabel
from annotator.store import corpus
from annotator.store.database import connect, init_database, project_scheme
from annotator.store.queue import ORDERS, count_sentences_with_actors
from annotator.store.statistics import refresh_statistics

WORDS = (
    "government minister said talks would continue despite criticism from opposition leaders "
    "who accused the president of ignoring parliament while the summit ended without agreement"
).split()
PEOPLE = [
    "Angela Merkel",
    "Emmanuel Macron",
    "Vladimir Putin",
    "Kim Jong-un",
    "Olaf Scholz",
    "Joe Biden",
    "Xi Jinping",
    "Rishi Sunak",
    "Giorgia Meloni",
    "Pedro Sanchez",
]
MODEL = "embedding:all-MiniLM-L6-v2"
PER_DOCUMENT = 100


def sentence(rng: random.Random, first: str, second: str) -> tuple[str, list[tuple[int, int]]]:
    words = rng.sample(WORDS, 9)
    text = f"{first} {' '.join(words[:5])} {second} {' '.join(words[5:])}."
    a = (0, len(first))
    start = len(first) + 1 + len(" ".join(words[:5])) + 1
    return text, [a, (start, start + len(second))]


class RandomScores(StanceModel):
    """Scores drawn at random (seeded), standing in for the model: pre-labelling stores them
    through the app's own path, chunk by chunk, as a run of the real model would."""

    spec, method_version = MODEL, "bench"

    def __init__(self, seed: int = 11):
        self.rng = random.Random(seed)

    def predict(self, pairs, scheme, batch_size=64):
        labels, result = scheme.label_names, []
        for _ in pairs:
            raw = [self.rng.random() for _ in labels]
            scores = {label: round(value / sum(raw), 6) for label, value in zip(labels, raw)}
            best = max(scores, key=scores.get)
            result.append(Prediction(best, scores[best], scores))
        return result


def build(path: Path, sentences: int) -> None:
    """Store the synthetic corpus through the store functions an import calls (one
    transaction per 10,000 sentences, each ending as an import does: the kept count of
    sentences with actors, the planner statistics), then pre-label it as `annotator
    prelabel` does. Sentence splitting and actor detection are timed by import_speed.py."""
    db = init_database(path)
    rng = random.Random(7)
    db.conn.execute("PRAGMA synchronous = OFF")
    documents = sentences // PER_DOCUMENT
    for first_doc in range(0, documents, 100):
        with db.atomic():
            for d in range(first_doc, min(first_doc + 100, documents)):
                _store_document(db, rng, f"doc-{d}")
            count_sentences_with_actors(db)
            refresh_statistics(db)
        done = min(first_doc + 100, documents) * PER_DOCUMENT
        print(f"\r  stored {done:,} sentences", end="", flush=True)
    print()
    total, progress = 2 * documents * PER_DOCUMENT, {"done": 0}

    def predicted(count: int) -> None:
        progress["done"] += count
        if progress["done"] % 102_400 < count or progress["done"] == total:
            print(f"\r  pre-labelled {progress['done']:,} mentions", end="", flush=True)

    prelabel(db, RandomScores(), project_scheme(db), on_progress=predicted)
    print()
    db.close()


def _store_document(db, rng: random.Random, doc: str) -> None:
    corpus.insert_document(db, doc, f"Article {doc}", f"hash-{doc}")
    sents, mentions = [], []
    for position in range(PER_DOCUMENT):
        first, second = rng.sample(PEOPLE, 2)
        text, spans = sentence(rng, first, second)
        sentence_id = f"{doc}:{position}"
        sents.append((sentence_id, text))
        for (start, end), name in zip(spans, (first, second)):
            mentions.append((sentence_id, name, "PERSON", start, end, name))
    corpus.insert_new_document_sentences(db, doc, sents)
    corpus.insert_new_document_mentions(db, doc, mentions)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def review_rounds(path: Path, rounds: int, order: str, label: str = "") -> None:
    """Serve the next item in `order` and save a decision, as the review page does, `rounds`
    times, by 20 annotators in turn."""
    from annotator.store import queue, review

    db = connect(path)
    labels = project_scheme(db).label_names
    serve, save = [], []
    for n in range(rounds):
        annotator = f"annotator-{n % 20}"
        started = time.perf_counter()
        sentence_id = queue.next_sentence_id(db, annotator, order)
        card = queue.sentence_for_review(db, sentence_id, annotator)
        queue.review_progress(db, annotator)
        serve.append(time.perf_counter() - started)
        started = time.perf_counter()
        review.record_label(db, annotator, card["mentions"][0]["id"], labels[n % 3], labels)
        review.accept_sentence(db, annotator, sentence_id)
        save.append(time.perf_counter() - started)
    db.close()
    for name, times in ((f"next item, {order} order{label}", serve), ("save a decision", save)):
        print(
            f"{name:<48} p50 {1000 * percentile(times, 0.5):6.1f} ms   "
            f"p95 {1000 * percentile(times, 0.95):6.1f} ms   ({rounds} rounds)"
        )


def review_until(path: Path, reviewed: int, order: str) -> None:
    """A project part-way through: the 20 annotators accept sentences served in `order` until
    `reviewed` sentences are done in all (counting those done by earlier runs)."""
    from annotator.store import queue, review

    db = connect(path)
    done = db.execute("select count(*) from reviews where status = 'done'").fetchone()[0]
    started = time.perf_counter()
    for n in range(done, reviewed):
        annotator = f"annotator-{n % 20}"
        review.accept_sentence(db, annotator, queue.next_sentence_id(db, annotator, order))
        if n % 10_000 == 0:
            print(f"\r  reviewed {n:,} sentences", end="", flush=True)
    if reviewed > done:
        seconds = time.perf_counter() - started
        print(f"\r{f'reviewed {reviewed - done:,} more, {order} order':<48} {seconds:6.0f} s")
    db.close()


def without_statistics(path: Path, rounds: int, orders: list[str]) -> None:
    """The review rounds with the planner statistics deleted, as in a database whose
    statistics the app never took; they are put back afterwards, unchanged."""
    db = connect(path)
    stats = list(db.query("select * from sqlite_stat1"))
    with db.atomic():
        db.execute("delete from sqlite_stat1")
    db.close()
    try:
        for order in orders:
            review_rounds(path, rounds, order, ", no statistics")
    finally:
        db = connect(path)
        with db.atomic():
            db.conn.executemany(
                "insert into sqlite_stat1 (tbl, idx, stat) values (:tbl, :idx, :stat)", stats
            )
        db.close()


def switch_model(path: Path) -> None:
    """Another active model re-reads every sentence's margin; back again, the same.

    Meanwhile a second connection writes a small row every 10 ms, as a label would: the longest
    it waits for the write lock is what an annotator's decision waits during the switch."""
    import threading

    from annotator.store.prelabels import set_active_model
    from annotator.store.priority import refresh_stale_margins

    db = connect(path)
    for spec in ("bench:none", MODEL):  # no pre-labels shown, then the model's again
        waits: list[float] = []
        done = threading.Event()
        writer = threading.Thread(target=_write_meanwhile, args=(path, waits, done))
        writer.start()
        started = time.perf_counter()
        set_active_model(db, spec)
        refresh_stale_margins(db)
        took = time.perf_counter() - started
        done.set()
        writer.join()
        print(
            f"{'make ' + spec + ' the active model':<48} {took:6.1f} s; a write meanwhile "
            f"waited p95 {percentile(waits, 0.95) * 1000:.0f} ms, at most "
            f"{max(waits) * 1000:.0f} ms ({len(waits)} writes)"
        )
    db.close()


def _write_meanwhile(path: Path, waits: list[float], done) -> None:
    db = connect(path)
    while not done.is_set():
        started = time.perf_counter()
        with db.atomic():
            db.execute(
                "insert or replace into settings (key, value) values ('bench-write', ?)",
                [str(started)],
            )
        waits.append(time.perf_counter() - started)
        time.sleep(0.01)
    with db.atomic():
        db.execute("delete from settings where key = 'bench-write'")
    db.close()


def stats_page(path: Path) -> None:
    """The figures' background computation (large corpora), then the page that shows them."""
    from annotator import create_app
    from annotator.corpus_stats import is_large, save_snapshot
    from annotator.store.users import create_user, get_user_by_name

    init_database(path).close()  # a database built by an older version gets the new tables
    db = connect(path)
    if is_large(db):
        started = time.perf_counter()
        save_snapshot(db)
        print(f"{'stats snapshot (background job)':<34} {time.perf_counter() - started:6.2f} s")
    if get_user_by_name(db, "bench-lead") is None:
        create_user(db, "bench-lead", "benchmark password", "lead")
    db.close()
    app = create_app({"DB": str(path), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": "bench-lead", "password": "benchmark password"})
    times = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get("/stats")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    print(f"{'stats page':<34} {min(times):6.2f} s (best of 3)")


def export_all(path: Path) -> None:
    """Each export format in a child process of its own, so its peak memory is the export's
    alone: JSONL and CSV streamed to nowhere, Parquet to a file beside the database."""
    code = (
        "import os, resource, sys, time\n"
        "from annotator.store.database import connect\n"
        "from annotator.exporting import export_to_file, write_export\n"
        "class Null:\n    def write(self, s): pass\n"
        "db = connect(sys.argv[1]); fmt = sys.argv[2]\n"
        "sentences = db.execute('select count(*) from sentences').fetchone()[0]\n"
        "t = time.perf_counter()\n"
        "if fmt == 'parquet':\n"
        "    out = sys.argv[1] + '.export.parquet'\n"
        "    n = export_to_file(db, out, fmt)[None]; os.remove(out)\n"
        "else:\n"
        "    n = write_export(db, Null(), fmt)\n"
        "s = time.perf_counter() - t\n"
        "print(sentences, n, s, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    for fmt in ("jsonl", "csv", "parquet"):
        run = subprocess.run(
            [sys.executable, "-c", code, str(path), fmt], capture_output=True, text=True
        )
        if run.returncode:  # Parquet without the formats extra
            print(f"{'export ' + fmt:<34} failed: {run.stderr.strip().splitlines()[-1]}")
            continue
        sentences, count, seconds, peak_kib = run.stdout.split()
        print(
            f"{'export ' + fmt + ' (stream all)':<34} {int(sentences):,} sentences"
            f" ({int(count):,} lines or rows) in {float(seconds):.1f} s ="
            f" {int(sentences) / float(seconds):,.0f} sentences/s,"
            f" peak {int(peak_kib) / 1024:.0f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/annotator-scale.db"))
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--order", choices=["both", *ORDERS], default="both")
    flag = {"action": "store_true"}
    parser.add_argument("--without-statistics", **flag, help="the rounds again, without them")
    parser.add_argument("--reviewed", type=int, default=0, help="sentences done before the rounds")
    parser.add_argument("--switch-model", **flag, help="time changing the active model")
    parser.add_argument("--queue-only", **flag, help="skip the stats page and the export")
    args = parser.parse_args()
    if not args.db.exists():
        started = time.perf_counter()
        build(args.db, args.sentences)
        print(
            f"built {args.db} in {time.perf_counter() - started:.0f} s, "
            f"{args.db.stat().st_size / 1e9:.2f} GB"
        )
    print(f"{args.db}: {args.sentences:,} sentences, two actors each, pre-labelled")
    orders = list(ORDERS) if args.order == "both" else [args.order]
    for share, order in enumerate(orders, 1):  # as many in each order
        review_until(args.db, args.reviewed * share // len(orders), order)
    for order in orders:
        review_rounds(args.db, args.rounds, order)
    if args.without_statistics:
        without_statistics(args.db, args.rounds, orders)
    if args.switch_model:
        switch_model(args.db)
    if not args.queue_only:
        stats_page(args.db)
        export_all(args.db)
    print(
        f"peak memory of this process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
