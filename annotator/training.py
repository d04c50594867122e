"""Learning from gold labels: train a model and save it as `trained:NAME`.

Two methods, both on the packaged all-MiniLM-L6-v2 encoder:
- `linear`: logistic regression over frozen features of the mention and its context.
  Seconds to fit and steady with a few hundred labels.
- `cross-encoder`: the encoder fine-tuned over the actor-marked sentence with a head on
  its pooled tokens (`models.mention_classifier`). Minutes on a CPU; better once there
  are thousands of labels, erratic below that. Small sets get more passes (about 6,000
  examples seen, at least one epoch). A linear head is fitted beside it on the same labels
  (its companion), and the model predicts by the mean of the two's log-probabilities: the
  frozen features and the zero-shot scores among them err elsewhere than the fine-tuned
  encoder (all of NewsMTSC train, devtest_mt macro-F1: 0.752 alone, 0.727 the linear head,
  0.760 the two), for one pass of the frozen encoder over the labels.
`auto` picks the linear method below FINE_TUNE_FROM labels and fine-tunes from there.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from annotator.fine_tuning import CONTRAST_REPEATS, fine_tune, rehearsal
from annotator.folders import replace_folder
from annotator.models import Pair
from annotator.models.trained import (
    CROSS_ENCODER,
    LINEAR,
    LINEAR_FILE,
    META_FILE,
    TRAINED_ON_FILE,
    trained_on,
)
from annotator.schemes import Scheme
from annotator.store.database import init_database
from annotator.store.reports import gold_pairs, span_key

FINE_TUNE_FROM = 2000
METHODS = ("auto", LINEAR, CROSS_ENCODER)
LINEAR_C = 0.3  # inverse regularisation strength of the logistic regression
FEATURE_SLICE = 1024  # pairs whose features are computed together


@dataclass(frozen=True)
class Example:
    pair: Pair
    label: str
    mention_id: int | None = None  # set for examples read from a project's gold


def examples_from_db(db: Database) -> list[Example]:
    """The gold labels of a database (see `store.gold`: disputed mentions have none)."""
    return [
        Example(
            Pair(row["sentence"], row["start"], row["end"], row["actor"]),
            row["label"],
            row["mention_id"],
        )
        for row in gold_pairs(db)
    ]


def examples_from_file(path: str | Path, fmt: str, scheme: Scheme) -> list[Example]:
    """The gold labels of a file, read through the importer into a throw-away database."""
    from annotator.ingest import import_file

    with tempfile.TemporaryDirectory() as folder:
        db = init_database(Path(folder) / "train.db", scheme.name)
        try:
            import_file(db, path, fmt, scheme.label_names, "gold")
            return examples_from_db(db)
        finally:
            db.close()


def choose_method(method: str, count: int) -> str:
    if method not in METHODS:
        raise ValueError(f"unknown training method {method!r} (use {', '.join(METHODS)})")
    if method == "auto":
        return LINEAR if count < FINE_TUNE_FROM else CROSS_ENCODER
    return method


def train_model(
    examples: list[Example],
    scheme: Scheme,
    folder: Path,
    method: str = "auto",
    epochs: int | None = None,
    batch_size: int = 16,
    seed: int = 0,
    on_progress: Callable[[int], None] | None = None,
    notes: dict | None = None,
    continue_from: Path | None = None,
    features=None,
    reads: str | None = None,
    companion: bool = True,
    contrast_repeats: int = CONTRAST_REPEATS,
) -> dict:
    """Train on `examples` and save the model to `folder`; return its metadata (with `notes`,
    e.g. cross-validated figures, added to it).

    `continue_from`: the folder of a cross-encoder that learned some of `examples`; the new
    one continues from it on the rest and a rehearsal sample of those (`fine_tuning`), and
    counts as having learned them all.
    `features`: the linear features of `examples` (`linear_features`) where the caller has
    them already (cross-validation computes them once for all its folds).
    `reads`, `companion` and `contrast_repeats` (cross-encoders from the encoder): what the
    network reads (`fine_tuning.INPUT` unless given), whether a linear head is fitted beside
    it, and how many times it reads the labels of sentences whose actors differ in label.

    The model is written to a temporary folder first and moved into place at the end,
    so an interrupted run never leaves a half-written model under its name.
    """
    from annotator.models.base import quiet_loading

    quiet_loading()
    if not examples:
        raise ValueError("no gold labels to train on")
    unknown = {e.label for e in examples} - set(scheme.label_names)
    if unknown:
        raise ValueError(f"labels outside the {scheme.name} scheme: {', '.join(sorted(unknown))}")
    method = choose_method(method, len(examples))
    started = time.perf_counter()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        learned = frozenset()
        if method == LINEAR:
            details = _fit_linear(
                examples, scheme.label_names, staging, seed, on_progress, features
            )
        else:
            trained, start = examples, None
            if continue_from is not None:
                learned = trained_on(continue_from)
                trained, start = rehearsal(examples, learned, seed), Path(continue_from)
            details = fine_tune(
                trained,
                scheme.label_names,
                staging,
                epochs,
                batch_size,
                seed,
                on_progress,
                start=start,
                reads=reads,
                contrast_repeats=contrast_repeats,
            )
            if start is None:
                details["full_examples"] = len(examples)
            else:
                parent = json.loads((start / META_FILE).read_text(encoding="utf-8"))
                details["continued_from"] = parent.get("name", start.name)
                details["trained_examples"] = len(trained)
                # the examples of the chain's last training from the encoder
                details["full_examples"] = parent.get("full_examples", parent.get("examples"))
        if method == CROSS_ENCODER and companion:
            fitted = _fit_linear(examples, scheme.label_names, staging, seed, on_progress, features)
            details["companion"] = {"method": LINEAR, **fitted}
        meta = {
            "name": folder.name,
            "labels": scheme.label_names,
            "scheme": scheme.name,
            "base": "all-MiniLM-L6-v2",
            "method": method,
            "examples": len(examples),
            **details,
            "seconds": round(time.perf_counter() - started, 1),
            "trained": datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f"),
            **(notes or {}),
        }
        (staging / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        keys = sorted(
            {span_key(e.pair.sentence, e.pair.start, e.pair.end) for e in examples} | learned
        )
        (staging / TRAINED_ON_FILE).write_text("\n".join(keys) + "\n", encoding="utf-8")
        replace_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return meta


def linear_features(examples: list[Example], on_progress: Callable[[int], None] | None = None):
    """The frozen features the linear method learns from, one row per example; each slice
    done is reported to `on_progress` (its count of examples).

    In slices of FEATURE_SLICE: the token states of every sentence at once would hold
    gigabytes for a few thousand labels."""
    import numpy as np

    from annotator.models import load_model
    from annotator.models.features import pair_features

    encoder, pairs = load_model("embedding"), [e.pair for e in examples]
    rows = []
    for i in range(0, len(pairs), FEATURE_SLICE):
        rows.append(pair_features(encoder, pairs[i : i + FEATURE_SLICE]))
        if on_progress:
            on_progress(len(rows[-1]))
    return np.vstack(rows)


def fit_linear(features, targets, label_count: int, seed: int = 0):
    """Logistic regression weights (coef, intercept) with one row per label of the scheme.

    Labels never seen in training get a row that can never win.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((label_count, features.shape[1]))
    intercept = np.full(label_count, -1e4)
    if len(set(targets)) == 1:  # nothing to separate: the one label always wins
        intercept[targets[0]] = 0.0
        return coef, intercept
    classifier = LogisticRegression(
        C=LINEAR_C, max_iter=3000, class_weight="balanced", random_state=seed
    ).fit(features, targets)
    seen = classifier.classes_
    if len(seen) == 2:  # scikit-learn stores one row for a two-class problem
        coef[seen[1]], intercept[seen[1]] = classifier.coef_[0], classifier.intercept_[0]
        intercept[seen[0]] = 0.0
    else:
        coef[seen], intercept[seen] = classifier.coef_, classifier.intercept_
    return coef, intercept


def _fit_linear(examples, labels, folder: Path, seed: int, on_progress, features=None) -> dict:
    import numpy as np

    from annotator.models.features import FEATURE_VERSION

    given = features is not None
    if not given:  # the encoder's pass is what takes the time: the bar moves with it
        features = linear_features(examples, on_progress)
    targets = np.array([labels.index(e.label) for e in examples])
    coef, intercept = fit_linear(features, targets, len(labels), seed)
    np.savez(folder / LINEAR_FILE, coef=coef, intercept=intercept)
    if on_progress and given:
        on_progress(len(examples))
    return {"features": FEATURE_VERSION, "C": LINEAR_C}
