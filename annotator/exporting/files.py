"""Writing an export in a chosen format, to a stream or to a file that appears only whole."""

from __future__ import annotations

import csv
import errno
import json
import shutil
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path

from sqlite_utils import Database

from annotator.folders import replace_folder
from annotator.store.database import database_path
from annotator.store.exports import (
    TARGET_COLUMNS,
    iter_export_lines,
    iter_export_records,
    iter_export_targets,
    published_document_sizes,
)
from annotator.store.imports import lock_path

from .parquet import write_parquet
from .rows import ONLY, selected_records, selected_rows
from .splits import assign_documents, parse_split, split_path

FORMATS = ("jsonl", "csv", "parquet", "hf")
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


def target_rows(db: Database, only: str, documents=None) -> Iterator[tuple]:
    """The export's target rows that `only` keeps, of the `documents` when given."""
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
            json.dumps(record, ensure_ascii=False, separators=(",", ":"))
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
    for row in target_rows(db, only, documents):
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
) -> dict[str | None, int]:
    """Write the export to the file at `path`, or with `split` ("80/10/10") to one file per
    split beside it (gold.train.csv, ...); return what each part counted, by split name (None
    without `split`). `hf` writes one folder at `path` holding every split.

    Each goes to a partial file, and all take their names only once every one is complete:
    an error midway leaves no half-written export, and an earlier one under those names intact.
    """
    if only not in ONLY:
        raise ValueError(f"unknown selection {only!r} (use {', '.join(ONLY)})")
    path = Path(path)
    parts = {None: None} if split is None else _split_parts(db, only, parse_split(split), seed)
    if format == "hf":  # one folder holding every split
        _refuse_database_files(db, [path])
        return _write_hf_folder(db, path, only, parts)
    targets = {name: path if name is None else split_path(path, name) for name in parts}
    _refuse_database_files(db, targets.values())
    for target in targets.values():  # found now, not after some files took their names
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
    partials = {name: t.with_name(f".{t.name}.partial") for name, t in targets.items()}
    counts = {}
    try:
        for name, documents in parts.items():
            counts[name] = _write_file(db, partials[name], format, only, documents)
        for name, partial in partials.items():
            partial.replace(targets[name])
    except BaseException:
        for partial in partials.values():
            partial.unlink(missing_ok=True)
        raise
    return counts


class OutputError(ValueError):
    """An export asked to write over the project's own database."""


def _refuse_database_files(db: Database, targets) -> None:
    database = Path(database_path(db)).resolve()
    own = {database, *(database.with_name(database.name + end) for end in _SIDE_FILES)}
    lock = lock_path(db)
    if lock is not None:
        own.add(lock.resolve())
    for target in targets:
        if Path(target).resolve() in own:
            raise OutputError(f"{target} is the project's database: give another -o PATH")


# The files SQLite keeps beside a database in WAL mode (and in rollback mode), and the
# project's lock of its writers (`database.connect`); the import lock is named apart.
_SIDE_FILES = ("-wal", "-shm", "-journal", "-writers.lock")


def _split_parts(db: Database, only: str, shares: dict[str, float], seed: int) -> dict:
    """Each split's set of document ids. Documents are weighed by their targets' gold labels;
    under `all`, a document without targets still goes to a split, weighed by its sentences
    (the JSONL export writes them). The pairs stream: memory grows with documents, not rows."""
    weighed = set()

    def pairs():
        for row in target_rows(db, only):
            weighed.add(row[1])
            yield row[1], row[7]  # (document, gold label)
        if only == "all":
            for document, sentences in published_document_sizes(db):
                if document not in weighed:
                    yield from repeat((document, None), sentences)

    assignment = assign_documents(pairs(), shares, seed)
    return {name: {d for d, chosen in assignment.items() if chosen == name} for name in shares}


def _write_file(db: Database, path: Path, format: str, only: str, documents) -> int:
    if format == "parquet":
        return write_parquet(target_rows(db, only, documents), path)
    with path.open("w", encoding="utf-8", newline="") as stream:
        return write_export(db, stream, format, only, documents)


def _write_hf_folder(
    db: Database, folder: Path, only: str, parts: dict[str | None, set]
) -> dict[str, int]:
    """A Hugging Face dataset folder with a split per part (or one, "train"), written beside
    `folder` and moved into its place once whole. What is there already is replaced only when
    it is an earlier dataset export (or an empty folder): never a folder of other files."""
    from annotator.agreement import agreement_report
    from annotator.store.database import project_scheme
    from annotator.store.diff import model_versions
    from annotator.store.label_tables import label_tables

    from .huggingface import is_dataset_folder, write_dataset

    if folder.exists() and not is_dataset_folder(folder):
        raise FileExistsError(
            errno.EEXIST,
            "exists and is not an earlier export of a dataset folder (only such a folder, or an"
            " empty one, is replaced): not replaced; give a new path",
        )
    db_path = database_path(db)
    splits = {
        name or "train": None if documents is None else tuple(sorted(documents))
        for name, documents in parts.items()
    }
    reports = {name: agreement_report(table) for name, table in label_tables(db)}
    card = {
        "title": f"Stance labels of {folder.name}",
        "agreement": {name: report for name, report in reports.items() if report["items"]},
        "models": [f"{row['model']} ({row['template_version']})" for row in model_versions(db)],
    }
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        counts = write_dataset(db_path, splits, only, partial, project_scheme(db).label_names, card)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    replace_folder(partial, folder)
    return counts
