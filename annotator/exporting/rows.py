"""Which targets an export keeps (`--only`), for every format alike."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from annotator.store.exports import TARGET_COLUMNS

ONLY = ("all", "reviewed", "gold")  # every target; those someone labelled; those with gold
_LABEL, _STATUS = TARGET_COLUMNS.index("label"), TARGET_COLUMNS.index("status")


def keep(label: str | None, status: str, only: str) -> bool:
    """Whether `--only` keeps a target with this gold label and status."""
    if only == "all":
        return True
    if only == "reviewed":
        return status != "unreviewed"
    if only == "gold":
        return label is not None
    raise ValueError(f"unknown selection {only!r} (use {', '.join(ONLY)})")


def selected_rows(rows: Iterable[tuple], only: str = "all") -> Iterator[tuple]:
    """The target rows (`TARGET_COLUMNS`) that `only` keeps."""
    if only == "all":
        yield from rows
        return
    for row in rows:
        if keep(row[_LABEL], row[_STATUS], only):
            yield row


def selected_records(records: Iterable[dict], only: str = "all") -> Iterator[dict]:
    """The records with the targets `only` keeps; a sentence left with none is left out
    (unless every target is asked for)."""
    for record in records:
        if only == "all":
            yield record
            continue
        targets = [t for t in record["targets"] if keep(t["label"], t["status"], only)]
        if targets:
            yield {**record, "targets": targets}
