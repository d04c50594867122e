"""How far a model's scores can be read as the chance that its label is right.

    python benchmarks/calibration.py                      # the default on devtest_mt
    python benchmarks/calibration.py --model starter --data ../shared/data/newsmtsc/train.jsonl

Prints the mean confidence, the accuracy, the expected calibration error (10 equal-width bins
of the top score) and the log-loss of the gold label, and the factor on the log-scores that
would minimise the log-loss: a factor that scales every label's log-score alike changes no label.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import numpy as np

from annotator.models import Pair, load_model
from annotator.schemes import get_scheme

POLARITY = {2: "negative", 4: "neutral", 6: "positive"}
DEVTEST = Path(__file__).resolve().parents[1].parent / "shared/data/newsmtsc/devtest_mt.jsonl"


def newsmtsc_pairs(path: Path) -> tuple[list[Pair], list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    pairs, gold = [], []
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for target in record["targets"]:
                pairs.append(Pair(record["sentence_normalized"], target["from"], target["to"]))
                gold.append(POLARITY[target["polarity"]])
    return pairs, gold


def expected_calibration_error(confidence: np.ndarray, right: np.ndarray, bins: int = 10):
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(confidence[inside].mean() - right[inside].mean())
    return error


def log_loss(log_scores: np.ndarray, gold: np.ndarray, factor: float = 1.0) -> float:
    scaled = factor * log_scores
    scaled -= scaled.max(axis=1, keepdims=True)
    normalised = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
    return float(-normalised[np.arange(len(gold)), gold].mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEVTEST)
    parser.add_argument("--model", default="embedding")
    parser.add_argument("--models", help="the trained models folder (for starter, trained:…)")
    args = parser.parse_args()
    scheme = get_scheme("sentiment")
    labels = scheme.label_names
    pairs, gold_labels = newsmtsc_pairs(args.data)
    predictions = load_model(args.model, args.models).predict(pairs, scheme)
    scores = np.array([[p.scores[label] for label in labels] for p in predictions])
    gold = np.array([labels.index(label) for label in gold_labels])
    confidence = scores.max(axis=1)
    right = (scores.argmax(axis=1) == gold).astype(float)
    log_scores = np.log(np.clip(scores, 1e-12, 1.0))
    factors = np.arange(0.3, 2.01, 0.05)
    best = min(factors, key=lambda factor: log_loss(log_scores, gold, factor))
    print(f"model       {args.model}")
    print(f"pairs       {len(pairs)}")
    print(f"confidence  {confidence.mean():.3f}")
    print(f"accuracy    {right.mean():.3f}")
    print(f"ECE         {expected_calibration_error(confidence, right):.3f}")
    print(f"log-loss    {log_loss(log_scores, gold):.3f}")
    print(f"best factor {best:.2f} (log-loss {log_loss(log_scores, gold, best):.3f})")


if __name__ == "__main__":
    main()
