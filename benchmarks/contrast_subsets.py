"""Macro-F1 on the sentences whose actors differ in label, and on the others.

A model that labels the tone of a sentence gets every actor of a sentence alike, and so is
right or wrong about all of them together; the sentences whose actors differ in label (41 % of
devtest_mt's targets) are where a model shows it reads the stance toward each actor. This
prints each model's figure on the whole file and on both subsets, scored the way `annotator
evaluate` scores.

    python benchmarks/contrast_subsets.py --models /tmp/ce4/models trained:ce4 starter
"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.ingest.readers import read_newsmtsc
from annotator.metrics import classification_report
from annotator.models import Pair, load_model
from annotator.schemes import get_scheme

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "newsmtsc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="+", help="model specs: embedding, starter, trained:NAME")
    parser.add_argument("--models", type=Path, help="the models folder (trained:NAME, starter)")
    parser.add_argument("--dev", type=Path, default=DATA / "devtest_mt.jsonl")
    args = parser.parse_args()
    scheme = get_scheme("sentiment")
    records = read_newsmtsc(str(args.dev), args.dev.read_text(encoding="utf-8"), scheme.label_names)
    pairs, gold, differ = [], [], []
    for record in records:
        mixed = len({target.label for target in record.targets}) > 1
        for target in record.targets:
            pairs.append(Pair(record.text, target.start, target.end, target.actor))
            gold.append(target.label)
            differ.append(mixed)
    print(f"{len(pairs)} targets, {sum(differ)} in sentences whose actors differ in label")
    for spec in args.specs:
        predicted = [p.label for p in load_model(spec, args.models).predict(pairs, scheme)]
        figures = []
        for subset in (None, True, False):
            chosen = [i for i in range(len(pairs)) if subset is None or differ[i] == subset]
            report = classification_report(
                [gold[i] for i in chosen], [predicted[i] for i in chosen], scheme.label_names
            )
            figures.append(report["macro_f1"])
        print(
            f"{spec}: all {figures[0]:.3f}, actors differ {figures[1]:.3f}, "
            f"the other sentences {figures[2]:.3f}"
        )


if __name__ == "__main__":
    main()
