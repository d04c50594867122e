"""The starter model against the pure zero-shot default, on NewsMTSC devtest_mt.

Builds the starter (`annotator.starter.build_starter`, the packaged NewsMTSC train split) in
`--models` unless one is there, then scores it and the zero-shot default on devtest_mt the way
`annotator evaluate` does: macro-F1, recall per label, the confusion matrix and pairs/s.

    python benchmarks/starter.py [--models /tmp/starter-models]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from annotator.evaluate import evaluate_file
from annotator.models import load_model
from annotator.models.starter import starter_ready
from annotator.starter import build_starter

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "newsmtsc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=Path("/tmp/starter-models"))
    parser.add_argument("--dev", type=Path, default=DATA / "devtest_mt.jsonl")
    args = parser.parse_args()
    if not starter_ready(args.models):
        started = time.perf_counter()
        meta = build_starter(args.models, on_stage=print)
        print(
            f"built in {time.perf_counter() - started:.0f} s: macro-F1 "
            f"{meta['cv_macro_f1']:.3f} ± {meta['cv_spread']:.3f} on {meta['cv_scored']} held-out "
            f"labels (trained on {meta['examples']}); "
            f"the zero-shot default on the same labels {meta['default_macro_f1']:.3f}"
        )
    for spec in ("embedding", "starter"):
        report = evaluate_file(args.dev, load_model(spec, args.models), "newsmtsc", "sentiment")
        recall = ", ".join(f"{k} {v['recall']:.2f}" for k, v in report["per_label"].items())
        print(
            f"{spec}: macro-F1 {report['macro_f1']:.3f} (recall {recall}), "
            f"{report['pairs_per_second']} pairs/s"
        )
        print(f"  confusion (gold → predicted): {report['confusion']}")


if __name__ == "__main__":
    main()
