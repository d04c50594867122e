"""Readers for stance-benchmark CSV files: SemEval-2016 Task 6 (Target, Tweet, Stance) and
P-Stance (Tweet, Target, Label). Each row is a sentence with one target, located in the text
by its name (`labels.locate`); a row whose target cannot be found is reported by line."""

from __future__ import annotations

import csv
import io

from .json_lines import InputError
from .labels import locate, scheme_label
from .readers import Record, _target

COLUMNS = {"semeval": ("Target", "Tweet", "Stance"), "pstance": ("Target", "Tweet", "Label")}


def header_format(text: str) -> str | None:
    """ "semeval" or "pstance" when the first line is that benchmark's header, else None."""
    try:
        first = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    except csv.Error:
        return None
    names = {name.strip().lower() for name in first}
    for fmt, columns in COLUMNS.items():
        if {column.lower() for column in columns} <= names:
            return fmt
    return None


def _column_names(fmt: str, names) -> list[str]:
    """The header's names, the benchmark's own spelling for those it knows in any case
    ("tweet" is Tweet); others as written."""
    known = {column.lower(): column for column in COLUMNS[fmt]}
    return [known.get((name or "").strip().lower(), (name or "").strip()) for name in names]


def read_stance_csv(fmt: str, source: str, text: str, labels: list[str]) -> list[Record]:
    target_column, text_column, label_column = COLUMNS[fmt]
    # strict: a quote that closes in a later row is an error, not rows run together
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        reader.fieldnames = _column_names(fmt, reader.fieldnames or [])
    except csv.Error as error:
        raise InputError(source, f"not valid CSV: {error}", 1) from None
    header = set(reader.fieldnames)
    missing = [column for column in COLUMNS[fmt] if column not in header]
    if missing:
        raise InputError(source, f"the header lacks {', '.join(missing)}", 1)
    records = []
    for number, row in _rows(reader, source):

        def fail(message: str, number=number):
            raise InputError(source, message, number)

        if None in row.values():  # DictReader's filler for missing cells
            fail(
                "the row has fewer cells than the header (a quote left open takes in the"
                " lines after it)"
            )
        body, name = row.get(text_column) or "", (row.get(target_column) or "").strip()
        if not body.strip() or not name:
            fail(f"'{text_column}' and '{target_column}' must not be empty")
        span = locate(name, body)
        if span is None:
            fail(f"the target {name!r} is not written in the text")
        label = scheme_label(row.get(label_column), labels, fail)
        raw = {"start": span[0], "end": span[1], "actor": name, "label": label, "status": "manual"}
        records.append(Record(text=body, line=number, targets=[_target(raw, body, labels, fail)]))
    return records


def _rows(reader: csv.DictReader, source: str):
    """(line number, row) of each row, numbered by the line it starts on (a quoted cell may
    run over several); a row the csv module cannot read is named by line."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = str(error)
            if problem == "unexpected end of data":
                problem = "a quote opened here is never closed"
            raise InputError(source, f"not valid CSV: {problem}", start) from None
        yield start, row


def read_semeval(source: str, text: str, labels: list[str]) -> list[Record]:
    return read_stance_csv("semeval", source, text, labels)


def read_pstance(source: str, text: str, labels: list[str]) -> list[Record]:
    return read_stance_csv("pstance", source, text, labels)
