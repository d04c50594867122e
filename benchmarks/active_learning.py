"""A simulated annotator: how good do the pre-labels get as people label, in each queue order?

The annotator labels NewsMTSC train (its gold labels stand in for people's decisions) in the
tool's own queue order, through the same store functions as the review page; after every
`--every` labels it runs the learning loop (`annotator learn`'s code: cross-validate, promote
by the project's margin, re-label the unreviewed mentions). At each checkpoint the active
model is scored on NewsMTSC devtest_mt, which the loop never sees.

    python benchmarks/active_learning.py                       # both orders, up to 3,000
    python benchmarks/active_learning.py --order uncertainty --until 1000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from annotator.evaluate import evaluate_file
from annotator.ingest import import_file
from annotator.learning import learn, relabel_unreviewed
from annotator.learning_history import learning_history
from annotator.models import load_model
from annotator.models.registry import models_dir_beside
from annotator.prelabel import prelabel
from annotator.store.corpus import get_sentence, mentions_of_sentences
from annotator.store.database import init_database, project_scheme
from annotator.store.learning import learned_at
from annotator.store.prelabels import active_model
from annotator.store.queue import DEFAULT_FAIR_SHARE, next_sentence_id, set_fair_share
from annotator.store.review import record_label

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "newsmtsc"
POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
WHO = "simulated"


def unlabelled_copy(
    source: Path, target: Path, pool: int | None = None
) -> dict[tuple[str, int, int], str]:
    """Write `source`'s first `pool` sentences (all by default) with their target spans but no
    labels (the project's import format); return the gold label of each (sentence, start,
    end)."""
    gold = {}
    with open(source, encoding="utf-8") as lines, open(target, "w", encoding="utf-8") as out:
        for i, line in enumerate(lines):
            if pool is not None and i >= pool:
                break
            record = json.loads(line)
            text = record["sentence_normalized"]
            targets = []
            for t in record["targets"]:
                gold[(text, t["from"], t["to"])] = POLARITY[t["polarity"]]
                targets.append({"start": t["from"], "end": t["to"]})
            out.write(json.dumps({"id": f"s{i}", "text": text, "targets": targets}) + "\n")
    return gold


def simulate(order: str, args, folder: Path) -> list[dict]:
    db_path = folder / f"{order}.db"
    resumed = db_path.exists()
    db = init_database(db_path, "sentiment")
    set_fair_share(db, args.fair_share)
    labels = ["positive", "negative", "neutral"]
    gold = unlabelled_copy(args.data, folder / "unlabelled.jsonl", args.pool)
    models_dir = models_dir_beside(db_path)
    if not resumed:
        import_file(db, folder / "unlabelled.jsonl", "jsonl", labels)
        prelabel(db, load_model("embedding"), project_scheme(db))
    given = db["annotations"].count_where("annotator = ?", [WHO])
    history = learning_history(models_dir, db)
    if history and history[-1]["promoted"] and active_model(db) != history[-1]["spec"]:
        relabel_unreviewed(db, models_dir, history[-1]["spec"])  # stopped while re-labelling
    step = args.every if learned_at(db) < args.every_after[0] else args.every_after[1]
    next_learn = learned_at(db) + step if history else args.every
    checkpoints = sorted(c for c in args.checkpoints if given < c <= args.until)
    if given >= next_learn:  # stopped during the turn that was due: learn and score it now
        checkpoints = [c for c in sorted(args.checkpoints) if c <= given][-1:] + checkpoints
    rows, scores = [], {}
    if resumed:
        print(f"{order}: resumed at {given} labels, next learning at {next_learn}", flush=True)
    while checkpoints:
        if given >= next_learn:
            started = time.perf_counter()
            meta = learn(db, models_dir)
            if meta["promoted"]:
                relabel_unreviewed(db, models_dir, meta["spec"])
            next_learn += args.every if given < args.every_after[0] else args.every_after[1]
            print(
                f"{order}: {given} labels, learned in {time.perf_counter() - started:.0f} s: "
                f"cv {meta['cv_macro_f1']:.3f}, {meta['decision']}",
                flush=True,
            )
        if given >= checkpoints[0]:
            checkpoint = checkpoints.pop(0)
            spec = active_model(db)
            if spec not in scores:
                model = load_model(spec, models_dir)
                scores[spec] = evaluate_file(args.dev, model, "newsmtsc", "sentiment")["macro_f1"]
            rows.append({"order": order, "labels": checkpoint, "active": spec, "dev": scores[spec]})
            print(f"{order}: {given} labels, active {spec}: devtest_mt {scores[spec]:.3f}")
            continue
        sentence = next_sentence_id(db, WHO, order)
        if sentence is None:
            break
        text = get_sentence(db, sentence)["text"]
        for mention in mentions_of_sentences(db, [sentence], WHO)[sentence]:
            key = (text, mention["start"], mention["end"])
            record_label(db, WHO, mention["id"], gold.get(key, "neutral"), labels)
            given += 1
    db.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA / "train.jsonl")
    parser.add_argument("--dev", type=Path, default=DATA / "devtest_mt.jsonl")
    parser.add_argument("--order", choices=["document", "uncertainty", "both"], default="both")
    parser.add_argument("--every", type=int, default=100, help="labels between learning runs")
    parser.add_argument(
        "--every-after",
        type=lambda text: tuple(int(x) for x in text.split(":")),
        default=(10**9, 0),
        metavar="LABELS:EVERY",
        help="from LABELS labels on, learn every EVERY labels instead (fine-tuning turns take "
        "a quarter of an hour on two cores)",
    )
    parser.add_argument("--until", type=int, default=3000, help="labels to give in all")
    parser.add_argument(
        "--fair-share",
        type=float,
        default=DEFAULT_FAIR_SHARE,
        help="share of the uncertainty order's sentences taken in document order (the project "
        f"setting; {DEFAULT_FAIR_SHARE} by default, 0 for hardest-first only)",
    )
    parser.add_argument(
        "--pool",
        type=int,
        default=None,
        help="sentences of --data to import (all by default; fewer re-label faster)",
    )
    parser.add_argument(
        "--checkpoints",
        type=lambda text: [int(x) for x in text.split(",")],
        default=[100, 300, 1000, 3000],
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="keep each order's project in this folder, and resume one found there "
        "(a run to 3,000 labels takes over an hour on two cores)",
    )
    args = parser.parse_args()
    orders = ["uncertainty", "document"] if args.order == "both" else [args.order]
    results = []
    with tempfile.TemporaryDirectory(prefix="active-learning-") as scratch:
        for order in orders:
            folder = (args.work or Path(scratch)) / order
            folder.mkdir(parents=True, exist_ok=True)
            results += simulate(order, args, folder)
    print("\n| labels | " + " | ".join(f"{o} order" for o in orders) + " |")
    print("| --- | " + " | ".join("---" for _ in orders) + " |")
    for checkpoint in sorted({r["labels"] for r in results}):
        found = {r["order"]: f"{r['dev']:.3f}" for r in results if r["labels"] == checkpoint}
        cells = [found.get(order, "") for order in orders]
        print(f"| {checkpoint} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
