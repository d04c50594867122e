"""Which frozen features the linear method should learn from: macro-F1 on devtest_mt by
feature version and number of gold labels.

Each size is drawn from NewsMTSC train with three seeds (the mean and standard deviation are
printed); the logistic regression is the one `annotator train --method linear` fits
(`training.fit_linear`), on the features `annotator.models.features.pair_features` computes.

    python benchmarks/linear_features.py [--versions f1,f2,f3] [--sizes 100,300,1000,3000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from annotator.metrics import classification_report
from annotator.models import load_model
from annotator.models.features import pair_features
from annotator.schemes import get_scheme
from annotator.training import examples_from_file, fit_linear

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "newsmtsc"
SEEDS = (0, 1, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default="f1,f2,f3")
    parser.add_argument("--sizes", default="100,300,1000,3000")
    args = parser.parse_args()
    train_path, dev_path = DATA / "train.jsonl", DATA / "devtest_mt.jsonl"
    if not train_path.exists():
        sys.exit(f"{train_path}: no such file")
    scheme = get_scheme("sentiment")
    labels = scheme.label_names
    sizes = [int(size) for size in args.sizes.split(",")]
    train = examples_from_file(train_path, "newsmtsc", scheme)
    dev = examples_from_file(dev_path, "newsmtsc", scheme)
    random.Random(0).shuffle(train)
    train = train[: max(sizes)]  # every sample below is drawn from these
    targets = np.array([labels.index(e.label) for e in train])
    encoder = load_model("embedding")
    print(f"{'version':>7}  " + "  ".join(f"{size:>13,}" for size in sizes) + "  seconds")
    for version in args.versions.split(","):
        started = time.perf_counter()
        x_train = pair_features(encoder, [e.pair for e in train], version=version)
        x_dev = pair_features(encoder, [e.pair for e in dev], version=version)
        cells = []
        for size in sizes:
            scores = []
            for seed in SEEDS:
                sample = np.random.RandomState(seed).permutation(len(train))[:size]
                coef, intercept = fit_linear(x_train[sample], targets[sample], len(labels), seed)
                predicted = [labels[i] for i in (x_dev @ coef.T + intercept).argmax(axis=1)]
                report = classification_report([e.label for e in dev], predicted, labels)
                scores.append(report["macro_f1"])
            cells.append(f"{statistics.fmean(scores):.3f} ± {statistics.pstdev(scores):.3f}")
        seconds = time.perf_counter() - started
        print(f"{version:>7}  " + "  ".join(f"{cell:>13}" for cell in cells) + f"  {seconds:7.0f}")


if __name__ == "__main__":
    main()
