"""One flat row per (sentence, actor), from the export records: the shape of CSV and tables.

The records come from `store.exports`, the one definition of what an export holds (the gold
label, its status and annotator, the pre-label shown); this module only lays them out flat.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

COLUMNS = (
    "sentence_id",
    "document_id",
    "text",
    "actor",
    "mention",
    "start",
    "end",
    "label",
    "status",
    "annotator",
    "labels",
    "prediction",
    "score",
    "model",
)
ONLY = ("all", "reviewed", "gold")  # every target; those someone labelled; those with gold
LABELS_SEPARATOR = "|"  # between annotators in the packed `labels` column: "ana:favor|ben:against"


def keep(target: dict, only: str) -> bool:
    """Whether `--only` keeps the target: all of them, the labelled ones, or those with gold."""
    if only == "all":
        return True
    if only == "reviewed":
        return target["status"] != "unreviewed"
    if only == "gold":
        return target["label"] is not None
    raise ValueError(f"unknown selection {only!r} (use {', '.join(ONLY)})")


def packed_labels(target: dict) -> str:
    """Every annotator's label of the target as "name:label", joined by `LABELS_SEPARATOR`."""
    if "labels" in target:
        labels = [(row["annotator"], row["label"]) for row in target["labels"]]
    elif target["annotator"] is not None and target["label"] is not None:
        labels = [(target["annotator"], target["label"])]
    else:
        labels = []
    return LABELS_SEPARATOR.join(f"{name}:{label}" for name, label in labels)


def target_rows(records: Iterable[dict], only: str = "all") -> Iterator[dict]:
    """The rows of the records' targets that `only` keeps, in export order."""
    for record in records:
        for target in record["targets"]:
            if not keep(target, only):
                continue
            prediction = target.get("prediction") or {}
            yield {
                "sentence_id": record["id"],
                "document_id": record["document_id"],
                "text": record["text"],
                "actor": target["actor"],
                "mention": target["mention"],
                "start": target["start"],
                "end": target["end"],
                "label": target["label"],
                "status": target["status"],
                "annotator": target["annotator"],
                "labels": packed_labels(target),
                "prediction": prediction.get("label"),
                "score": prediction.get("score"),
                "model": prediction.get("model"),
            }


def selected_records(records: Iterable[dict], only: str = "all") -> Iterator[dict]:
    """The records with the targets `only` keeps; a sentence left with none is left out
    (unless every target is asked for)."""
    for record in records:
        if only == "all":
            yield record
            continue
        targets = [target for target in record["targets"] if keep(target, only)]
        if targets:
            yield {**record, "targets": targets}
