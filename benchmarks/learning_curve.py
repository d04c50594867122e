"""Learning curve of `annotator train` on NewsMTSC: macro-F1 on devtest_mt by training size.

For each size (default 100, 300, 1000 and all of train.jsonl) a random sample is drawn
with a fixed seed, a model is trained with `annotator train --limit N` (with the method
`auto` picks, or --method), and `annotator evaluate` scores it on devtest_mt. Prints one
row per size with the training time; "all" means the whole file.

    python benchmarks/learning_curve.py [--sizes 100,300,1000,all] [--seed 0] [--method M]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "newsmtsc"


def annotator(*args: str) -> str:
    command = [sys.executable, "-m", "annotator.cli", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000,all")
    parser.add_argument("--seed", default="0")
    parser.add_argument("--method", default="auto", help="auto, linear or cross-encoder")
    args = parser.parse_args()
    train, dev = DATA / "train.jsonl", DATA / "devtest_mt.jsonl"
    if not train.exists():
        sys.exit(f"{train}: no such file")
    print(f"{'labels':>8}  {'method':>13}  {'train s':>8}  {'macro-F1':>8}  {'accuracy':>8}")
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "curve.db")
        annotator("init", "--db", db, "--scheme", "sentiment")
        for size in args.sizes.split(","):
            name = f"curve-{size}"
            limit = [] if size == "all" else ["--limit", size]
            started = time.perf_counter()
            annotator(
                "train",
                "--db",
                db,
                "--name",
                name,
                "--seed",
                args.seed,
                "--method",
                args.method,
                *limit,
                str(train),
            )
            seconds = time.perf_counter() - started
            meta = json.loads((Path(folder) / "models" / name / "annotator.json").read_text())
            report = json.loads(
                annotator("evaluate", "--db", db, "--model", f"trained:{name}", "--json", str(dev))
            )
            print(
                f"{meta['examples']:>8}  {meta['method']:>13}  {seconds:>8.0f}  "
                f"{report['macro_f1']:>8.3f}  {report['accuracy']:>8.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
