"""Which reader a file needs: chosen by `--format`, or told by its extension and content."""

from __future__ import annotations

import json
from pathlib import Path

from .json_lines import InputError
from .readers import Record, read_jsonl, read_newsmtsc, read_text, read_txt
from .stance_csv import header_format, read_pstance, read_semeval
from .tool_exports import read_doccano, read_label_studio, read_prodigy

READERS = {
    "txt": read_txt,
    "jsonl": read_jsonl,
    "newsmtsc": read_newsmtsc,
    "label-studio": read_label_studio,
    "doccano": read_doccano,
    "prodigy": read_prodigy,
    "semeval": read_semeval,
    "pstance": read_pstance,
}
FORMATS = ("auto", *READERS)
NAME_IT = "name its format (--format of `annotator import`, Format on the Import page)"
# What each format is, in words, for a form that offers them.
FORMAT_NAMES = {
    "auto": "tell from the file",
    "txt": "plain text (one document)",
    "jsonl": "JSON lines (text, optional labels)",
    "newsmtsc": "NewsMTSC",
    "label-studio": "Label Studio (JSON export)",
    "doccano": "doccano (JSONL)",
    "prodigy": "Prodigy (JSONL)",
    "semeval": "SemEval-2016 stance (CSV)",
    "pstance": "P-Stance (CSV)",
}


# How many of a file's first non-blank lines detection reads: a tool's first record can
# lack the fields that name it (a Prodigy example a person skipped, a doccano text not yet
# labelled), so one line is not enough.
DETECTION_LINES = 50


def detect_format(path: Path, text: str, source: str) -> str:
    """Guess the format from the extension and the field names of the first records."""
    suffix = path.suffix.lower()
    if suffix == ".json" and text.lstrip().startswith("["):
        return "label-studio"
    if suffix in (".jsonl", ".json", ".ndjson"):
        return _json_lines_format(text)
    if suffix == ".csv":
        found = header_format(text)
        if found:
            return found
        raise InputError(source, f"a CSV file needs SemEval's or P-Stance's header; or {NAME_IT}")
    if suffix in (".txt", ".text", ".md", ""):
        return "txt"
    raise InputError(source, f"cannot tell the format of a {suffix} file; {NAME_IT}")


def _json_lines_format(text: str) -> str:
    """Which JSON lines layout the top-level field names of the first records tell (a field
    nested in `meta` tells nothing). A line that does not parse is skipped: the reader
    reports it by number."""
    keys: list[set] = []
    for line in text.split("\n", 4 * DETECTION_LINES)[: 4 * DETECTION_LINES]:
        try:
            value = json.loads(line) if line.strip() else None
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            keys.append(value.keys() & _TELLING)
            if len(keys) == DETECTION_LINES:
                break
    if any("sentence_normalized" in found for found in keys):
        return "newsmtsc"
    if any("answer" in found for found in keys):
        return "prodigy"
    if any("targets" in found for found in keys):
        return "jsonl"
    if any("entities" in found or "label" in found for found in keys):
        return "doccano"
    return "jsonl"


# The top-level fields that tell one JSON lines layout from another.
_TELLING = frozenset({"sentence_normalized", "answer", "targets", "entities", "label"})


def read_records(path: Path, fmt: str, labels: list[str], name: str | None = None) -> list[Record]:
    """Read and validate a whole file; raise InputError on the first problem.

    `name` is the file's name as the user knows it (an upload's own name, not the stored
    copy's): errors say it, and a .txt document is named after it. By default, the path.
    """
    source = name or str(path)
    if fmt not in FORMATS:
        raise InputError(source, f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")
    if not path.is_file():
        raise InputError(source, "no such file")
    text = read_text(path, source)
    if fmt == "auto":
        fmt = detect_format(path, text, source)
    try:
        records = READERS[fmt](source, text, labels)
    except InputError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
        # A value of a type no check foresaw: still the file's fault, and still named.
        raise InputError(source, f"cannot be read as {fmt}: {error}") from None
    if not records:
        raise InputError(source, "the file holds no records")
    return records
