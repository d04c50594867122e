"""Pre-labelling speed and memory, end to end through `annotator predict`.

Builds a fresh database from a NewsMTSC file (default: devtest_mt, beside the project in
../shared), runs `annotator predict` in a child process and prints pairs per second
(wall clock of the whole command, model loading included, and the prediction loop
alone) and the child's peak resident memory.

    python benchmarks/predict_speed.py [--data FILE] [--model SPEC] [--batch-size N]
    python benchmarks/predict_speed.py --engine ray --workers 2     # a local Ray cluster
    python benchmarks/predict_speed.py --device cuda                 # on a GPU machine
    python benchmarks/predict_speed.py --model starter --models /tmp/starter-models

`--models`: a models folder holding a built starter (`benchmarks/starter.py` builds one); it is
copied beside the benchmark's database, where `annotator predict` finds it, so that the build
is not what is timed.

On Ray, "prediction" includes starting the actors and loading the model in each (the
pipeline's time from the first shard planned to the last one stored).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "newsmtsc" / "devtest_mt.jsonl"


def annotator(*args: str, db: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "annotator.cli", *args, "--db", str(db)]
    return subprocess.run(command, check=True, capture_output=True, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", default="embedding")
    parser.add_argument("--batch-size", default="64")
    parser.add_argument("--engine", choices=["local", "ray"], default="local")
    parser.add_argument("--workers", default="1", help="Ray actors (with --engine ray)")
    parser.add_argument("--gpus-per-worker", default="0")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--models", type=Path, help="a models folder with a built starter")
    args = parser.parse_args()
    options = ["--model", args.model, "--batch-size", args.batch_size, "--device", args.device]
    if args.engine == "ray":
        options += ["--engine", "ray", "--workers", args.workers]
        options += ["--gpus-per-worker", args.gpus_per_worker]
    if not args.data.exists():
        sys.exit(f"{args.data}: no such file (NewsMTSC lives in ../shared/data/newsmtsc/)")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        if args.models:
            shutil.copytree(args.models, Path(folder) / "models")  # where predict looks
        annotator("init", "--scheme", "sentiment", db=db)
        annotator("import", str(args.data), db=db)
        started = time.perf_counter()
        result = annotator("predict", *options, db=db)
        wall = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    pairs = int(re.search(r"pre-labelled (\d+)", result.stdout).group(1))
    loop = float(re.search(r"in ([\d.]+) s", result.stdout).group(1))
    print(f"data            {args.data.name}")
    print(f"model           {args.model}  (batch size {args.batch_size}, {os.cpu_count()} CPUs)")
    engine = f"ray, {args.workers} workers" if args.engine == "ray" else "local"
    print(f"engine          {engine}; {re.search(r'pairs/s ([^)]*)', result.stdout).group(1)}")
    print(f"pairs           {pairs}")
    print(f"whole command   {wall:.1f} s = {pairs / wall:.0f} pairs/s (start-up and loading too)")
    print(f"prediction      {loop:.1f} s = {pairs / loop:.0f} pairs/s (after the model is loaded)")
    print(f"peak memory     {peak_mib:.0f} MiB (largest child process)")


if __name__ == "__main__":
    main()
