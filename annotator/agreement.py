"""Agreement that corrects for chance: Cohen's and Fleiss' kappa, Krippendorff's alpha.

Input is a label table: item id → {rater: label}. Raters are annotators, "model" when the
model's pre-labels are compared on the same footing, and "gold" (the gold label, which the
model is also scored against). Figures come with the number of
items they rest on; a figure that cannot be computed (too few items, one category only)
is None rather than a misleading number.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

MODEL, GOLD = "model", "gold"
MIN_ITEMS = 2

LabelTable = dict[object, dict[str, str]]


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa for two raters over the same items."""
    from sklearn.metrics import cohen_kappa_score

    if len(first) != len(second):
        raise ValueError("both raters need a label for every item")
    if len(first) < MIN_ITEMS or len(set(first) | set(second)) < 2:
        return None  # chance agreement is total: kappa is undefined
    value = float(cohen_kappa_score(first, second))
    return None if math.isnan(value) else value


def fleiss_kappa(table: LabelTable) -> tuple[float | None, int]:
    """Fleiss' kappa over items with at least two labels; returns (kappa, items used).

    Items may have different numbers of raters: each item's agreement uses its own count
    (the usual extension; with a constant count it is Fleiss' original formula).
    """
    items = [Counter(labels.values()) for labels in table.values() if len(labels) >= 2]
    if len(items) < MIN_ITEMS:
        return None, len(items)
    totals: Counter = Counter()
    agreement = 0.0
    for counts in items:
        raters = sum(counts.values())
        totals.update(counts)
        agreement += (sum(c * c for c in counts.values()) - raters) / (raters * (raters - 1))
    observed = agreement / len(items)
    all_labels = sum(totals.values())
    expected = sum((count / all_labels) ** 2 for count in totals.values())
    if expected >= 1:
        return None, len(items)
    return (observed - expected) / (1 - expected), len(items)


def krippendorff_alpha(table: LabelTable) -> tuple[float | None, int]:
    """Krippendorff's alpha (nominal) over items with at least two labels."""
    import krippendorff
    import numpy as np

    items = [labels for labels in table.values() if len(labels) >= 2]
    categories = sorted({label for labels in items for label in labels.values()})
    if len(items) < MIN_ITEMS or len(categories) < 2:
        return None, len(items)
    raters = sorted({rater for labels in items for rater in labels})
    code = {label: index for index, label in enumerate(categories)}
    data = np.full((len(raters), len(items)), np.nan)
    for column, labels in enumerate(items):
        for row, rater in enumerate(raters):
            if rater in labels:
                data[row, column] = code[labels[rater]]
    value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    return (None if math.isnan(value) else float(value)), len(items)


def pairwise_kappas(table: LabelTable, raters: list[str]) -> list[dict]:
    """Cohen's kappa for every pair of raters, on the items both labelled."""
    pairs = []
    for first, second in itertools.combinations(raters, 2):
        shared = [labels for labels in table.values() if first in labels and second in labels]
        kappa = cohen_kappa([x[first] for x in shared], [x[second] for x in shared])
        pairs.append({"raters": [first, second], "n": len(shared), "kappa": kappa})
    return pairs


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def agreement_report(table: LabelTable) -> dict:
    """Every figure for one label table: humans among themselves, then the model beside them.

    The model is measured on the items at least two people labelled, the items the human
    figures rest on, so the two can be compared directly.
    """
    humans_table = {
        item: {r: label for r, label in labels.items() if r not in (MODEL, GOLD)}
        for item, labels in table.items()
    }
    shared = {item: labels for item, labels in humans_table.items() if len(labels) >= 2}
    humans = sorted({r for labels in shared.values() for r in labels})
    pairs = pairwise_kappas(shared, humans)
    fleiss, fleiss_n = fleiss_kappa(shared)
    alpha, alpha_n = krippendorff_alpha(shared)
    with_model = {
        item: {r: label for r, label in table[item].items() if r != GOLD}
        for item in shared
        if MODEL in table[item]
    }
    scored = [labels for labels in table.values() if MODEL in labels and GOLD in labels]
    model_gold = cohen_kappa([s[MODEL] for s in scored], [s[GOLD] for s in scored])
    model_pairs = [
        pair for pair in pairwise_kappas(with_model, [MODEL, *humans]) if MODEL in pair["raters"]
    ]
    alpha_with_model, _ = krippendorff_alpha(with_model)
    return {
        "items": len(shared),
        "annotators": humans,
        "cohen": pairs,
        "fleiss": {"kappa": fleiss, "n": fleiss_n},
        "krippendorff": {"alpha": alpha, "n": alpha_n},
        "model": {
            "n": len(with_model),
            "cohen": model_pairs,
            "mean_kappa_model_human": _mean([p["kappa"] for p in model_pairs]),
            "mean_kappa_human_human": _mean([p["kappa"] for p in pairs]),
            "alpha_with_model": alpha_with_model,
            "gold": {
                "n": len(scored),
                "kappa": model_gold,
                "accuracy": _mean([float(s[MODEL] == s[GOLD]) for s in scored]),
            },
        },
    }
