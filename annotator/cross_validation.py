"""How good a model trained on the project's gold will be on text nobody has labelled yet.

k-fold cross-validation: the gold is split into k folds, a model of the chosen method is
trained on k − 1 of them and predicts the one left out, for each fold in turn. Every gold
label is thus predicted once by a model that never saw it (its *out-of-fold* prediction).

- Folds keep the mentions of one sentence together: two actors of one sentence share most of
  their words, and a model must not be scored on a sentence it learned from.
- Folds are stratified by label as far as sentences allow, so a rare label is in every fold.
- The estimate is the mean of the folds' macro-F1 with their standard deviation as its
  spread; per-label figures are those of the pooled out-of-fold predictions.
- The linear method computes the frozen features once and fits k regressions on them; the
  cross-encoder is fine-tuned k times (fewer folds, since each costs minutes).
- Examples can be *held in*: every fold trains on them and none is scored on them. The
  learning loop holds in the gold the active model learned from, so the candidate is scored
  only on gold the active model never saw, by fold models that had at least the active
  model's gold; plain folds would pit a model trained on 80 % of the gold against one
  trained on nearly all of it and keep the old model for the wrong reason.
"""

from __future__ import annotations

import random
import statistics
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from annotator.metrics import classification_report
from annotator.models.trained import CROSS_ENCODER, LINEAR, open_trained
from annotator.schemes import Scheme
from annotator.training import Example, fit_linear, linear_features, train_model

FOLDS = {LINEAR: 5, CROSS_ENCODER: 3}
MIN_PER_FOLD = 4  # fewer gold labels than folds × this cannot be cross-validated


def fold_of_examples(examples: list[Example], folds: int, seed: int = 0) -> list[int]:
    """The fold (0 … folds − 1) of each example: sentences whole, labels spread evenly."""
    by_sentence: dict[str, list[int]] = defaultdict(list)
    for i, example in enumerate(examples):
        by_sentence[example.pair.sentence].append(i)
    groups = list(by_sentence.values())
    random.Random(seed).shuffle(groups)
    groups.sort(key=len, reverse=True)  # the big groups first, while every fold has room
    counts = [Counter() for _ in range(folds)]
    sizes = [0] * folds
    fold = [0] * len(examples)
    for group in groups:
        labels = Counter(examples[i].label for i in group)
        best = min(
            range(folds),
            key=lambda f: (sum(counts[f][label] for label in labels), sizes[f]),
        )
        counts[best].update(labels)
        sizes[best] += len(group)
        for i in group:
            fold[i] = best
    return fold


def assign_folds(
    examples: list[Example], method: str, held_in: frozenset[int] = frozenset(), seed: int = 0
) -> list[int]:
    """The fold of each example under `method`'s cross-validation; -1 where held in (every
    fold trains on it)."""
    scored = [i for i in range(len(examples)) if i not in held_in]
    fold = [-1] * len(examples)
    for i, f in zip(scored, fold_of_examples([examples[i] for i in scored], FOLDS[method], seed)):
        fold[i] = f
    return fold


def left_out_sizes(
    examples: list[Example], method: str, held_in: frozenset[int] = frozenset(), seed: int = 0
) -> list[int]:
    """How many examples each fold of `cross_validate` leaves out: the folds keep sentences
    whole, so they differ in size."""
    fold = assign_folds(examples, method, held_in, seed)
    return [fold.count(f) for f in range(FOLDS[method])]


def can_cross_validate(count: int, method: str) -> bool:
    return count >= FOLDS[method] * MIN_PER_FOLD


def cross_validate(
    examples: list[Example],
    scheme: Scheme,
    method: str,
    seed: int = 0,
    on_progress: Callable[[int], None] | None = None,
    held_in: frozenset[int] = frozenset(),
    continue_from: Path | None = None,
) -> dict:
    """Cross-validated figures of `method` (linear or cross-encoder) on `examples`.

    `held_in`: indices of examples every fold trains on and none is scored on.
    `continue_from`: a cross-encoder that learned the held-in examples; each fold's model
    continues from it (`fine_tuning`) instead of starting from the encoder.
    Returns folds, scored (how many examples were scored), macro_f1 (mean over folds), spread
    (their standard deviation), fold_f1, per_label (pooled out-of-fold F1 of each label) and
    predicted (each example's out-of-fold label in the order of `examples`; None where held in).
    """
    folds = FOLDS[method]
    scored = [i for i in range(len(examples)) if i not in held_in]
    if not can_cross_validate(len(scored), method):
        raise ValueError(
            f"{len(scored)} gold labels are too few to cross-validate "
            f"(at least {folds * MIN_PER_FOLD})"
        )
    fold = assign_folds(examples, method, held_in, seed)
    if method == LINEAR:
        predicted = _linear_out_of_fold(examples, scheme, fold, folds, seed, on_progress)
    else:
        predicted = _fine_tuned_out_of_fold(
            examples, scheme, fold, folds, seed, on_progress, continue_from
        )
    labels = scheme.label_names
    fold_f1 = []
    for f in range(folds):
        members = [i for i in range(len(examples)) if fold[i] == f]
        report = classification_report(
            [examples[i].label for i in members], [predicted[i] for i in members], labels
        )
        fold_f1.append(report["macro_f1"])
    pooled = classification_report(
        [examples[i].label for i in scored], [predicted[i] for i in scored], labels
    )
    return {
        "folds": folds,
        "scored": len(scored),
        "macro_f1": round(statistics.fmean(fold_f1), 4),
        "spread": round(statistics.pstdev(fold_f1), 4),
        "fold_f1": [round(f1, 4) for f1 in fold_f1],
        "per_label": {label: s["f1"] for label, s in pooled["per_label"].items()},
        "predicted": predicted,
    }


def cross_validation_work(
    examples: list[Example], method: str, held_in: frozenset[int] = frozenset(), seed: int = 0
) -> int:
    """The progress units `cross_validate` reports for `examples` from the encoder, `held_in`
    of them held in."""
    count = len(examples)
    if method == LINEAR:
        return count
    from annotator.fine_tuning import default_epochs, fine_tune_work

    # the companion heads' features first, once for every fold
    return count + sum(
        fine_tune_work(count - left_out, default_epochs(count - left_out)) + left_out
        for left_out in left_out_sizes(examples, method, held_in, seed)
    )


def _linear_out_of_fold(examples, scheme, fold, folds, seed, on_progress) -> list:
    import numpy as np

    labels = scheme.label_names
    features = linear_features(examples)
    if on_progress:
        on_progress(len(examples))
    targets = np.array([labels.index(e.label) for e in examples])
    fold = np.array(fold)
    predicted: list[str | None] = [None] * len(examples)
    for f in range(folds):
        held_out = np.flatnonzero(fold == f)
        coef, intercept = fit_linear(features[fold != f], targets[fold != f], len(labels), seed)
        scores = features[held_out] @ coef.T + intercept
        for i, column in zip(held_out, scores.argmax(axis=1)):
            predicted[i] = labels[column]
    return predicted


def _fine_tuned_out_of_fold(
    examples, scheme, fold, folds, seed, on_progress, continue_from
) -> list:
    import numpy as np

    features = linear_features(examples)  # each fold's companion head learns from these
    if on_progress:
        on_progress(len(examples))
    predicted: list[str | None] = [None] * len(examples)
    with tempfile.TemporaryDirectory(prefix="annotator-cv-") as scratch:
        for f in range(folds):
            held_in = [e for e, k in zip(examples, fold) if k != f]
            held_out = [i for i, k in enumerate(fold) if k == f]
            folder = Path(scratch) / f"fold-{f}"
            train_model(
                held_in,
                scheme,
                folder,
                CROSS_ENCODER,
                seed=seed,
                on_progress=on_progress,
                continue_from=continue_from,
                features=features[np.array(fold) != f],
            )
            model = open_trained(folder.name, folder)
            labels = model.predict([examples[i].pair for i in held_out], scheme)
            for i, prediction in zip(held_out, labels):
                predicted[i] = prediction.label
            if on_progress:
                on_progress(len(held_out))
    return predicted
