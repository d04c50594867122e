"""Scale: build a database of N sentences (two actors each, pre-labelled) and time the hot paths.

    python benchmarks/scale.py --sentences 1000000 --db /tmp/scale.db

Builds the database once (kept for later runs), then prints, server-side:
- serving the next review item and saving a decision (p50/p95 over many rounds, the same
  store calls the review page makes),
- rendering the stats page (through the Flask test client),
- streaming the whole export (sentences per second, peak memory of that step),
- (import speed has its own script: benchmarks/import_speed.py).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from annotator.store.database import connect, init_database, now
from annotator.store.prelabels import activate_first_model
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
LABELS = ["favor", "against", "neutral"]
MODEL = "embedding:all-MiniLM-L6-v2"
PER_DOCUMENT = 100


def sentence(rng: random.Random, first: str, second: str) -> tuple[str, list[tuple[int, int]]]:
    words = rng.sample(WORDS, 9)
    text = f"{first} {' '.join(words[:5])} {second} {' '.join(words[5:])}."
    a = (0, len(first))
    start = len(first) + 1 + len(" ".join(words[:5])) + 1
    return text, [a, (start, start + len(second))]


def build(path: Path, sentences: int) -> None:
    """Bulk-load the synthetic corpus through plain SQL (the import code is timed separately)."""
    db = init_database(path)
    rng, stamp = random.Random(7), now()
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    mention_id = actor_id = prediction_id = 0
    for first_doc in range(0, sentences // PER_DOCUMENT, 100):
        docs, sents, actors, mentions, predictions = [], [], [], [], []
        for d in range(first_doc, min(first_doc + 100, sentences // PER_DOCUMENT)):
            doc = f"doc-{d}"
            docs.append((doc, f"Article {d}", f"hash-{d}", None, stamp))
            ids = {}
            for name in PEOPLE:
                actor_id += 1
                ids[name] = actor_id
                actors.append((actor_id, doc, name, "PERSON"))
            for position in range(PER_DOCUMENT):
                first, second = rng.sample(PEOPLE, 2)
                text, spans = sentence(rng, first, second)
                sentence_id = f"{doc}:{position}"
                sents.append((sentence_id, doc, position, text, stamp))
                for (start, end), name in zip(spans, (first, second)):
                    mention_id += 1
                    mentions.append((mention_id, sentence_id, ids[name], start, end, name))
                    scores = [rng.random() for _ in LABELS]
                    total = sum(scores)
                    scores = {label: s / total for label, s in zip(LABELS, scores)}
                    ranked = sorted(scores.values(), reverse=True)
                    best = max(scores, key=scores.get)
                    prediction_id += 1
                    predictions.append(
                        (
                            prediction_id,
                            mention_id,
                            MODEL,
                            "bench",
                            best,
                            scores[best],
                            json.dumps(scores),
                            stamp,
                            round(ranked[0] - ranked[1], 6),
                        )
                    )
        with db.atomic():
            conn.executemany(
                "insert into documents (id, title, text_hash, meta, created) values (?,?,?,?,?)",
                docs,
            )
            conn.executemany("insert into sentences values (?, ?, ?, ?, ?)", sents)
            conn.executemany("insert into actors values (?, ?, ?, ?)", actors)
            conn.executemany("insert into mentions values (?, ?, ?, ?, ?, ?)", mentions)
            conn.executemany(
                "insert into predictions (id, mention_id, model, template_version, label, score,"
                " scores, created, margin) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                predictions,
            )
        print(f"\r  built {len(sents) + first_doc * PER_DOCUMENT:,} sentences", end="", flush=True)
    print()
    activate_first_model(db, MODEL)  # as storing the first predictions does in the app
    refresh_statistics(db)  # as an import does at its end
    db.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def review_rounds(path: Path, rounds: int) -> None:
    """Serve the next item and save a decision, as the review page does, `rounds` times."""
    from annotator.store import queue, review

    db = connect(path)
    labels = LABELS
    serve, save = [], []
    for n in range(rounds):
        annotator = f"annotator-{n % 20}"
        started = time.perf_counter()
        sentence_id = queue.next_sentence_id(db, annotator)
        card = queue.sentence_for_review(db, sentence_id, annotator)
        queue.review_progress(db, annotator)
        serve.append(time.perf_counter() - started)
        started = time.perf_counter()
        review.record_label(db, annotator, card["mentions"][0]["id"], labels[n % 3], labels)
        review.accept_sentence(db, annotator, sentence_id)
        save.append(time.perf_counter() - started)
    db.close()
    for name, times in (("next review item", serve), ("save a decision (label + accept)", save)):
        print(
            f"{name:<34} p50 {1000 * percentile(times, 0.5):6.1f} ms   "
            f"p95 {1000 * percentile(times, 0.95):6.1f} ms   ({rounds} rounds)"
        )


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
    """In a child process, so its peak memory is the export's alone."""
    code = (
        "import resource, sys, time\n"
        "from annotator.store.database import connect\n"
        "from annotator.store.exports import write_export\n"
        "class Null:\n    def write(self, s): pass\n"
        "db = connect(sys.argv[1]); t = time.perf_counter()\n"
        "n = write_export(db, Null()); s = time.perf_counter() - t\n"
        "print(n, s, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    count, seconds, peak_kib = int(out[0]), float(out[1]), int(out[2])
    print(
        f"{'export (stream all)':<34} {count:,} sentences in {seconds:.1f} s = "
        f"{count / seconds:,.0f} sentences/s, peak {peak_kib / 1024:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/annotator-scale.db"))
    parser.add_argument("--rounds", type=int, default=400)
    args = parser.parse_args()
    if not args.db.exists():
        started = time.perf_counter()
        build(args.db, args.sentences)
        print(
            f"built {args.db} in {time.perf_counter() - started:.0f} s, "
            f"{args.db.stat().st_size / 1e9:.2f} GB"
        )
    print(f"{args.db}: {args.sentences:,} sentences, two actors each, pre-labelled")
    review_rounds(args.db, args.rounds)
    stats_page(args.db)
    export_all(args.db)
    print(
        f"peak memory of this process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
