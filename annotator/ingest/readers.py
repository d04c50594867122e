"""Readers for the import formats. They validate everything before anything is stored.

Each reader turns a file's text into a list of Records or raises InputError naming the
file and line (`formats` picks the reader). Records without targets are whole documents
to split into sentences; records with targets are single sentences kept exactly as given.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from annotator.schemes import OVERALL_LABELS

from .fields import annotator_name, optional_str, record_id
from .json_lines import MAX_META_DEPTH, InputError, depth, json_objects

STATUSES = ("accepted", "corrected", "manual")
ADJUDICATED = "adjudicated"
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


@dataclass
class Target:
    """One labelled (or unlabelled) actor span of a sentence record."""

    start: int
    end: int
    mention: str
    actor: str
    label: str | None = None
    status: str | None = None
    annotator: str | None = None
    prediction: dict | None = None
    labels: list[dict] | None = None  # every annotator's label, when several labelled it
    adjudicated: bool = False  # `label` is a lead's adjudication, by `annotator`


@dataclass
class Record:
    """A document to split, or (when `targets` is not None) one sentence kept as given."""

    text: str
    line: int
    id: str | None = None
    document_id: str | None = None
    title: str | None = None
    meta: dict | None = None
    annotator: str | None = None
    targets: list[Target] | None = field(default=None)
    overall: dict | None = None  # the overall-question answer: {"label", "annotator"}


def read_text(path: Path, source: str) -> str:
    """The file's text, strictly UTF-8; an empty file is an error."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        raise InputError(
            source,
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at column"
            f" {error.start - line_start + 1} (byte {error.start} of the file); save it as UTF-8",
            data.count(b"\n", 0, error.start) + 1,
        ) from None
    if not text.strip():
        raise InputError(source, "the file is empty")
    nul = text.find("\x00")
    if nul >= 0:  # a binary file, or text a program wrote wrongly: no sentence holds one
        raise InputError(
            source, "holds a NUL character (a binary file?)", text.count("\n", 0, nul) + 1
        )
    return text.removeprefix("\ufeff")


def read_txt(source: str, text: str, labels: list[str]) -> list[Record]:
    """A plain-text file is one document, named after the file."""
    stem = PurePath(source).stem
    # A name in another script ("статья") keeps no letter here: its id is made from the name.
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or f"doc-{_digest(stem)}"
    words = [word for word in re.split(r"[-_\s]+", stem) if word]
    title = " ".join(as_written(word, text) for word in words) or slug
    return [Record(text=text, line=1, id=slug, title=title[:1].upper() + title[1:])]


# What ends a sentence or a line just before a word: its capital there says nothing about it.
_OPENS_A_SENTENCE = re.compile(r"(?:[.!?][\"'”’)]*\s+|\n\s*)$")


def as_written(word: str, text: str) -> str:
    """`word` of a file name spelt as `text` spells it most often inside its sentences.

    File names are lowercase by habit ("putin-us-talks") where the article writes "Putin" and
    "US"; the document's title takes the article's spelling of each word. Sentence openings do
    not count (every word is capitalised there); a word the text never holds stays as typed."""
    forms: dict[str, int] = {}
    for match in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE):
        before = text[max(0, match.start() - 8) : match.start()]
        if match.start() == 0 or _OPENS_A_SENTENCE.search(before):
            continue
        forms[match.group()] = forms.get(match.group(), 0) + 1
    return max(forms, key=lambda form: (forms[form], form == word)) if forms else word


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _target(raw, text: str, labels: list[str], fail) -> Target:
    if not isinstance(raw, dict):
        fail("each target must be an object")
    start, end = raw.get("start"), raw.get("end")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        fail("a target needs integer 'start' and 'end'")
    if not 0 <= start < end <= len(text):
        fail(f"target offsets {start}:{end} are outside the text (length {len(text)})")
    mention = text[start:end]
    if not mention.strip():
        fail(f"target offsets {start}:{end} hold only whitespace")
    if raw.get("mention") is not None and raw["mention"] != mention:
        fail(
            f"target mention {raw['mention']!r} does not match the text "
            f"at {start}:{end} ({mention!r})"
        )
    label = raw.get("label")
    if label is not None and label not in labels:
        fail(f"label {label!r} is not in the scheme ({', '.join(labels)})")
    status = raw.get("status")
    prediction = raw.get("prediction")
    if prediction is not None and not (
        isinstance(prediction, dict)
        and prediction.get("label") in labels
        and isinstance(prediction.get("score"), (int, float))
        and math.isfinite(prediction["score"])
        and isinstance(prediction.get("model"), str)
    ):
        fail(
            "a target's 'prediction' needs 'label' in the scheme, a finite numeric 'score'"
            " and 'model'"
        )
    annotator = annotator_name(raw.get("annotator"), "annotator", fail)
    adjudicated = status == ADJUDICATED and label is not None
    if adjudicated and not annotator:
        fail("an adjudicated target needs the adjudicator as 'annotator'")
    return Target(
        start=start,
        end=end,
        mention=mention,
        actor=optional_str(raw.get("actor"), "actor", fail) or mention,
        label=label,
        status=status if label is not None and status in STATUSES else None,
        annotator=annotator,
        prediction=prediction,
        labels=_labels(raw.get("labels"), labels, fail),
        adjudicated=adjudicated,
    )


def _labels(raw, labels: list[str], fail) -> list[dict] | None:
    """A target's `labels`: each annotator's label (and its status) on the mention."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        fail("a target's 'labels' must be a list")
    entries = []
    for entry in raw:
        if not isinstance(entry, dict) or entry.get("annotator") is None:
            fail("each of a target's 'labels' needs an 'annotator'")
        annotator_name(entry["annotator"], "annotator", fail)
        if entry.get("label") not in labels:
            fail(f"label {entry.get('label')!r} is not in the scheme ({', '.join(labels)})")
        status = entry.get("status") if entry.get("status") in STATUSES else None
        entries.append({"annotator": entry["annotator"], "label": entry["label"], "status": status})
    return entries


def read_jsonl(source: str, text: str, labels: list[str]) -> list[Record]:
    """One object per line: `text`, optional `id`, `meta`, `document_id`, `annotator`, `targets`."""
    records = []
    for number, obj in json_objects(source, text):

        def fail(message: str, number=number):
            raise InputError(source, message, number)

        body = obj.get("text")
        if not isinstance(body, str) or not body.strip():
            fail("'text' is required and must be a non-empty string")
        if obj.get("meta") is not None and not isinstance(obj["meta"], dict):
            fail("'meta' must be an object")
        if obj.get("meta") and depth(obj["meta"]) > MAX_META_DEPTH:
            fail(f"'meta' nests more than {MAX_META_DEPTH} levels deep")
        targets = obj.get("targets")
        if targets is not None and not isinstance(targets, list):
            fail("'targets' must be a list")
        records.append(
            Record(
                text=body,
                line=number,
                id=record_id(obj.get("id"), "id", fail),
                document_id=record_id(obj.get("document_id"), "document_id", fail),
                title=optional_str(obj.get("title"), "title", fail),
                meta=obj.get("meta"),
                annotator=annotator_name(obj.get("annotator"), "annotator", fail),
                targets=None
                if targets is None
                else [_target(t, body, labels, fail) for t in targets],
                overall=_overall(obj.get("overall"), targets is not None, fail),
            )
        )
    return records


def _overall(raw, is_sentence: bool, fail) -> dict | None:
    """The optional `overall` answer of a sentence record: a label and who gave it."""
    if raw is None:
        return None
    if not is_sentence:
        fail("'overall' belongs to sentence records (with 'targets')")
    if not isinstance(raw, dict) or raw.get("label") not in OVERALL_LABELS:
        fail(f"'overall' needs a 'label' out of {', '.join(OVERALL_LABELS)}")
    return {
        "label": raw["label"],
        "annotator": annotator_name(raw.get("annotator"), "annotator", fail),
    }


def _newsmtsc_id(gid):
    """NewsMTSC's `primary_gid` is provenance, not a name someone chose: some hold a source's
    web address ("..._http://abcn.ws/2hiExTh..."). Empty, "." and ".." parts between slashes,
    which no web address can carry, are dropped or spelled out so every line imports."""
    if not isinstance(gid, str) or "/" not in gid:
        return gid
    parts = [part for part in gid.split("/") if part]
    return "/".join(part.replace(".", "dot") if part in (".", "..") else part for part in parts)


def read_newsmtsc(source: str, text: str, labels: list[str]) -> list[Record]:
    """NewsMTSC lines: `sentence_normalized`, `primary_gid`, targets with `from`/`to`/`polarity`."""
    if not set(NEWSMTSC_POLARITY.values()) <= set(labels):
        raise InputError(
            source,
            "NewsMTSC labels need the sentiment scheme: annotator init --scheme sentiment",
        )
    records = []
    for number, obj in json_objects(source, text):

        def fail(message: str, number=number):
            raise InputError(source, message, number)

        sentence = obj.get("sentence_normalized")
        if not isinstance(sentence, str) or not sentence.strip():
            fail("'sentence_normalized' is required")
        raw_targets = obj.get("targets")
        if not isinstance(raw_targets, list) or not raw_targets:
            fail("'targets' must be a non-empty list")
        targets = []
        for raw in raw_targets:
            if not isinstance(raw, dict):
                fail("each target must be an object")
            polarity = raw.get("polarity")
            if polarity not in NEWSMTSC_POLARITY:
                fail(f"polarity {polarity!r} is not 2, 4 or 6")
            converted = {
                "start": raw.get("from"),
                "end": raw.get("to"),
                "label": NEWSMTSC_POLARITY[polarity],
            }
            targets.append(_target(converted, sentence, labels, fail))
        records.append(
            Record(
                text=sentence,
                line=number,
                id=record_id(_newsmtsc_id(obj.get("primary_gid")), "primary_gid", fail),
                targets=targets,
            )
        )
    return records
