"""Train, validation and test splits by document, stratified by label as far as documents allow.

No document is in two splits: sentences of one article share their actors and their wording,
and a model tested on the article it trained on is scored too kindly. Documents are dealt out
largest first (ties in an order the seed shuffles), each to the split whose share of the
document's labels is furthest from its aim, so every split's label mix stays near the whole's.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

NAMES = {2: ("train", "test"), 3: ("train", "validation", "test")}
SPLIT_NAMES = NAMES[3]


class SplitError(ValueError):
    """A --split that is not two or three positive percentages adding up to 100."""


def parse_split(text: str) -> dict[str, float]:
    """ "80/10/10" (train/validation/test) or "80/20" (train/test), in percent adding up to 100;
    each above 0 (an empty split is a mistake, not a choice)."""
    try:
        parts = [float(part) for part in text.split("/")]
    except ValueError:
        parts = []
    if len(parts) not in NAMES or not all(p > 0 for p in parts) or abs(sum(parts) - 100) > 1e-6:
        raise SplitError(
            f"--split {text!r}: give two or three percentages above 0 adding up to 100, as 80/10/10"
        )
    return {name: part / 100 for name, part in zip(NAMES[len(parts)], parts)}


def assign_documents(
    labels: Iterable[tuple[str, str | None]], shares: dict[str, float], seed: int = 0
) -> dict[str, str]:
    """Each document's split, from (document id, label) pairs (a label None counts as its own
    class); the same pairs and seed give the same assignment."""
    per_document: dict[str, Counter] = defaultdict(Counter)
    for document, label in labels:
        per_document[document][label] += 1
    totals = Counter()
    for counts in per_document.values():
        totals.update(counts)
    aim = {
        name: {label: share * n for label, n in totals.items()} for name, share in shares.items()
    }
    size_aim = {name: share * sum(totals.values()) for name, share in shares.items()}
    have = {name: Counter() for name in shares}
    documents = sorted(per_document)
    random.Random(seed).shuffle(documents)
    documents.sort(key=lambda d: -sum(per_document[d].values()))  # stable: ties stay shuffled
    assignment = {}
    for document in documents:
        counts = per_document[document]
        chosen = max(
            shares, key=lambda name, counts=counts: _need(name, counts, aim, size_aim, have)
        )
        assignment[document] = chosen
        have[chosen].update(counts)
    return assignment


def _need(name, counts, aim, size_aim, have) -> tuple[float, float]:
    """How far the split is from its aim for the document's labels, then for its size."""
    by_label = sum(n * (aim[name][label] - have[name][label]) for label, n in counts.items())
    return by_label, size_aim[name] - sum(have[name].values())


def split_path(path: Path, name: str) -> Path:
    """gold.csv → gold.train.csv; a folder-like name without a suffix gets the split after it."""
    return path.with_name(f"{path.stem}.{name}{path.suffix}")
