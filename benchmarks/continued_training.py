"""A chain of continued cross-encoders against one trained from the encoder, on NewsMTSC.

Trains a cross-encoder from the encoder on the first `--start` labels of a seeded shuffle of
train, then continues it `--turns` times on `--step` more labels each (as the learning loop
does, `fine_tuning`: the new labels and a rehearsal sample), and last trains one from the
encoder on all of them. Prints each training's time and the macro-F1 on devtest_mt of the
first model, the chain's middle and end, and the fresh one.

    python benchmarks/continued_training.py [--start 2000] [--step 100] [--turns 10]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from annotator.metrics import classification_report
from annotator.models.trained import open_trained
from annotator.schemes import get_scheme
from annotator.training import examples_from_file, train_model

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "newsmtsc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=2000)
    parser.add_argument("--step", type=int, default=100)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    scheme = get_scheme("sentiment")
    train = examples_from_file(DATA / "train.jsonl", "newsmtsc", scheme)
    dev = examples_from_file(DATA / "devtest_mt.jsonl", "newsmtsc", scheme)
    random.Random(args.seed).shuffle(train)

    def score(folder: Path) -> float:
        model = open_trained(folder.name, folder)
        predicted = [p.label for p in model.predict([e.pair for e in dev], scheme)]
        gold = [e.label for e in dev]
        return classification_report(gold, predicted, scheme.label_names)["macro_f1"]

    def trained(count: int, folder: Path, start: Path | None = None, seed: int = 0) -> float:
        began = time.perf_counter()
        train_model(train[:count], scheme, folder, "cross-encoder", seed=seed, continue_from=start)
        return time.perf_counter() - began

    with tempfile.TemporaryDirectory(prefix="continued-") as scratch:
        out = Path(scratch)
        seconds = trained(args.start, out / "first")
        print(
            f"from the encoder, {args.start} labels: {seconds:.0f} s, "
            f"devtest_mt {score(out / 'first'):.3f}",
            flush=True,
        )
        previous = out / "first"
        for turn in range(1, args.turns + 1):
            count = args.start + turn * args.step
            folder = out / f"continued-{count}"
            seconds = trained(count, folder, previous, seed=turn)
            figure = ""
            if turn in (args.turns // 2, args.turns):
                figure = f", devtest_mt {score(folder):.3f}"
            print(f"continued, {count} labels: {seconds:.0f} s{figure}", flush=True)
            previous = folder
        count = args.start + args.turns * args.step
        seconds = trained(count, out / "fresh")
        print(
            f"from the encoder, {count} labels: {seconds:.0f} s, "
            f"devtest_mt {score(out / 'fresh'):.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
