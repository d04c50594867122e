"""Writing an export in a chosen format, to a stream or to a file that appears only whole."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from annotator.store.exports import (
    TARGET_COLUMNS,
    iter_export_lines,
    iter_export_records,
    iter_export_targets,
)

from .parquet import write_parquet
from .rows import ONLY, selected_records, selected_rows
from .splits import assign_documents, parse_split, split_path

FORMATS = ("jsonl", "csv", "parquet")
TEXT_FORMATS = ("jsonl", "csv")  # the ones that can go to a stream


def write_export(
    db: Database, stream, format: str = "jsonl", only: str = "all", documents=None
) -> int:
    """Write the export to a text stream; return how many sentences (JSONL lines) or
    (sentence, actor) rows (CSV) it wrote. `documents`, when given, is the set of document
    ids to keep (one split)."""
    if only not in ONLY:
        raise ValueError(f"unknown selection {only!r} (use {', '.join(ONLY)})")
    if format == "jsonl":
        return _write_jsonl(db, stream, only, documents)
    if format == "csv":
        return _write_csv(db, stream, only, documents)
    if format in FORMATS:
        raise ValueError(f"{format} is written to a file only: give -o PATH")
    raise ValueError(f"unknown export format {format!r} (use {', '.join(FORMATS)})")


def _rows(db: Database, only: str, documents=None) -> Iterator[tuple]:
    rows = selected_rows(iter_export_targets(db), only)
    return rows if documents is None else (row for row in rows if row[1] in documents)


def _write_jsonl(db: Database, stream, only: str, documents=None) -> int:
    count = 0
    if only == "all" and documents is None:  # the lines as SQLite builds them, never parsed
        for line in iter_export_lines(db):
            stream.write(line)
            count += 1
        return count
    for record in selected_records(iter_export_records(db), only):
        if documents is not None and record["document_id"] not in documents:
            continue
        stream.write(
            json.dumps(record, ensure_ascii=False)
            .replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
            + "\n"
        )
        count += 1
    return count


def _write_csv(db: Database, stream, only: str, documents=None) -> int:
    """UTF-8 CSV with a header, quoted as RFC 4180 says: pandas and readr read it without
    options. Empty cells are missing values."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(TARGET_COLUMNS)
    count = 0
    for row in _rows(db, only, documents):
        writer.writerow(row)
        count += 1
    return count


def export_to_file(
    db: Database,
    path: str | Path,
    format: str = "jsonl",
    only: str = "all",
    split: str | None = None,
    seed: int = 0,
) -> int:
    """Write the export to the file at `path`, or with `split` ("80/10/10") to one file per
    split beside it (gold.train.csv, ...); return what was counted in all.

    Each goes to a partial file, and all take their names only once every one is complete:
    an error midway leaves no half-written export, and an earlier one under those names intact.
    """
    if only not in ONLY:
        raise ValueError(f"unknown selection {only!r} (use {', '.join(ONLY)})")
    path = Path(path)
    if split is None:
        parts = {path: None}
    else:
        shares = parse_split(split)
        pairs = ((row[1], row[7]) for row in _rows(db, only))  # (document, gold label)
        assignment = assign_documents(pairs, shares, seed)
        parts = {
            split_path(path, name): {d for d, chosen in assignment.items() if chosen == name}
            for name in shares
        }
    partials = {target: target.with_name(f".{target.name}.partial") for target in parts}
    count = 0
    try:
        for target, documents in parts.items():
            count += _write_file(db, partials[target], format, only, documents)
        for target, partial in partials.items():
            partial.replace(target)
    except BaseException:
        for partial in partials.values():
            partial.unlink(missing_ok=True)
        raise
    return count


def _write_file(db: Database, path: Path, format: str, only: str, documents) -> int:
    if format == "parquet":
        return write_parquet(_rows(db, only, documents), path)
    with path.open("w", encoding="utf-8", newline="") as stream:
        return write_export(db, stream, format, only, documents)
