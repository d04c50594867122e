"""Property-based tests: any valid export survives a round trip; no input crashes a reader."""

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.ingest import InputError, import_file
from annotator.ingest.formats import read_records
from annotator.store.database import init_database
from annotator.store.exports import iter_export_lines

LABELS = ["favor", "against", "neutral"]
SENTIMENT = ["positive", "negative", "neutral"]
# Any text, including line and paragraph separators, quotes, markup and astral characters.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=80,
).filter(str.strip)
NAME = st.from_regex(r"[a-z][a-z0-9_.-]{0,8}", fullmatch=True)


@st.composite
def sentence_records(draw):
    """A sentence record in the export schema with non-overlapping, labelled targets."""
    text = draw(TEXT)
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=6)))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if b > a and text[a:b].strip()]
    targets = []
    for start, end in spans:
        label = draw(st.sampled_from([None, *LABELS]))
        targets.append(
            {
                "actor": " ".join(text[start:end].split()) or "x",
                "mention": text[start:end],
                "start": start,
                "end": end,
                "label": label,
                "status": draw(st.sampled_from(["accepted", "corrected", "manual"]))
                if label
                else "unreviewed",
                "annotator": draw(NAME) if label else None,
                "prediction": None,
            }
        )
    return {"text": text, "targets": targets}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sentence_records(), min_size=1, max_size=4))
def test_export_import_export_is_the_identity(records):
    with tempfile.TemporaryDirectory() as folder:
        first_db = init_database(Path(folder) / "first.db")
        source = Path(folder) / "in.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        import_file(first_db, source, "jsonl", LABELS)
        exported = "".join(iter_export_lines(first_db))
        again = Path(folder) / "again.jsonl"
        again.write_text(exported, encoding="utf-8")
        second_db = init_database(Path(folder) / "second.db")
        import_file(second_db, again, "jsonl", LABELS)
        assert "".join(iter_export_lines(second_db)) == exported
        for line in exported.split("\n")[:-1]:
            json.loads(line)  # every line is one record, whatever the text holds


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        "text",
        "id",
        "title",
        "meta",
        "targets",
        "start",
        "end",
        "mention",
        "label",
        "actor",
        "annotator",
        "status",
        "prediction",
        "labels",
        "overall",
        "document_id",
        "sentence_normalized",
        "primary_gid",
        "from",
        "to",
        "polarity",
    ]
)
OBJECTS = st.recursive(
    st.dictionaries(FIELDS, JSON_VALUES, max_size=6),
    lambda inner: st.dictionaries(FIELDS, inner | st.lists(inner, max_size=3), max_size=6),
    max_leaves=10,
)


def read_or_refuse(data: bytes, suffix: str, fmt: str):
    """Read the bytes as a file; only records or a located InputError may come out."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        labels = SENTIMENT if fmt == "newsmtsc" else LABELS  # NewsMTSC needs sentiment
        try:
            return read_records(path, fmt, labels)
        except InputError as error:
            assert error.source.endswith(f"input{suffix}")
            return None


@settings(max_examples=150, deadline=None)
@given(st.lists(OBJECTS, min_size=1, max_size=5), st.sampled_from(["jsonl", "newsmtsc", "auto"]))
def test_no_json_object_crashes_the_readers(objects, fmt):
    data = "\n".join(json.dumps(o) for o in objects).encode()
    read_or_refuse(data, ".jsonl", fmt)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=300),
    st.sampled_from(
        [(".txt", "txt"), (".jsonl", "jsonl"), (".jsonl", "newsmtsc"), (".jsonl", "auto")]
    ),
)
def test_no_bytes_crash_the_readers(data, kind):
    suffix, fmt = kind
    read_or_refuse(data, suffix, fmt)
