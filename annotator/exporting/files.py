"""Writing an export in a chosen format, to a stream or to a file that appears only whole."""

from __future__ import annotations

import csv
import json
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

FORMATS = ("jsonl", "csv", "parquet")
TEXT_FORMATS = ("jsonl", "csv")  # the ones that can go to a stream


def write_export(db: Database, stream, format: str = "jsonl", only: str = "all") -> int:
    """Write the export to a text stream; return how many sentences (JSONL lines) or
    (sentence, actor) rows (CSV) it wrote."""
    if only not in ONLY:
        raise ValueError(f"unknown selection {only!r} (use {', '.join(ONLY)})")
    if format == "jsonl":
        return _write_jsonl(db, stream, only)
    if format == "csv":
        return _write_csv(db, stream, only)
    if format in FORMATS:
        raise ValueError(f"{format} is written to a file only: give -o PATH")
    raise ValueError(f"unknown export format {format!r} (use {', '.join(FORMATS)})")


def _write_jsonl(db: Database, stream, only: str) -> int:
    count = 0
    if only == "all":  # the lines as SQLite builds them, never parsed
        for line in iter_export_lines(db):
            stream.write(line)
            count += 1
        return count
    for record in selected_records(iter_export_records(db), only):
        stream.write(
            json.dumps(record, ensure_ascii=False)
            .replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
            + "\n"
        )
        count += 1
    return count


def _write_csv(db: Database, stream, only: str) -> int:
    """UTF-8 CSV with a header, quoted as RFC 4180 says: pandas and readr read it without
    options. Empty cells are missing values."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(TARGET_COLUMNS)
    count = 0
    for row in selected_rows(iter_export_targets(db), only):
        writer.writerow(row)
        count += 1
    return count


def export_to_file(db: Database, path: str | Path, format: str = "jsonl", only: str = "all") -> int:
    """Write the export to the file at `path`; return what `write_export` counted.

    It goes to a partial file beside it, which takes its name only once complete: an error
    midway leaves no half-written export, and an earlier one under that name intact.
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if format == "parquet":
            if only not in ONLY:
                raise ValueError(f"unknown selection {only!r} (use {', '.join(ONLY)})")
            count = write_parquet(selected_rows(iter_export_targets(db), only), partial)
        else:
            with partial.open("w", encoding="utf-8", newline="") as stream:
                count = write_export(db, stream, format, only)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
