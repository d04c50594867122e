"""Readers for the exports of other annotation tools: Label Studio, doccano and Prodigy.

Each span becomes a target of its sentence record, the span's words its actor; the stance is
the span's own label (doccano, Prodigy) or the choice given for that region (Label Studio's
per-region choices), mapped onto the project's scheme (`labels.scheme_label`). Every problem is
reported with the line (or, for Label Studio's one JSON document, the task) it is in.
"""

from __future__ import annotations

import json

from .fields import annotator_name
from .json_lines import InputError, json_objects, text_problem
from .labels import known_label, scheme_label
from .readers import Record, _target


def _sentence(source, number, text, spans, labels, annotator, fail) -> Record:
    """A sentence record from (start, end, label or None, span text or None) spans; a span's
    text, where the file gives one, must be what its offsets cut from the sentence."""
    if not isinstance(text, str) or not text.strip():
        fail("the task needs a non-empty text")
    targets, given = [], {}
    for start, end, label, written in spans:
        raw = {"start": start, "end": end, "annotator": annotator, "mention": written}
        if label is not None:
            raw |= {"label": scheme_label(label, labels, fail), "status": "manual"}
        target = _target(raw, text, labels, fail)
        if given.setdefault((start, end), target.label) != target.label:
            fail(f"the span {start}:{end} is labelled both {given[start, end]} and {target.label}")
        targets.append(target)
    return Record(text=text, line=number, annotator=annotator, targets=targets)


def _person(value, field: str, fail) -> str | None:
    """Who labelled, as a tool writes it (an empty value: nobody named)."""
    return None if value == "" else annotator_name(value, field, fail)


def read_label_studio(source: str, text: str, labels: list[str]) -> list[Record]:
    """Label Studio's JSON export: a list of tasks, each with `data` (its text) and
    `annotations`, whose `result` holds labelled regions and, per region, a choice (the
    stance). Each annotation of a task is one annotator's labels of that sentence."""
    try:
        tasks = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            source, f"not valid JSON at column {error.colno}: {error.msg}", error.lineno
        ) from None
    except RecursionError:
        raise InputError(source, "the JSON is nested too deeply") from None
    if not isinstance(tasks, list):
        raise InputError(source, "a Label Studio export is a JSON list of tasks")
    records = []
    for number, task in enumerate(tasks, start=1):

        def fail(message: str, number=number):
            raise InputError(source, f"task {number}: {message}")

        problem = "\\u" in text and text_problem(task)
        if problem:
            fail(problem)

        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            fail("each task needs 'data'")
        body = task["data"].get("text")
        if body is None:  # the text under another name: the task's first string
            body = next((v for v in task["data"].values() if isinstance(v, str)), None)
        annotations = task.get("annotations")
        if annotations is not None and not isinstance(annotations, list):
            fail("'annotations' must be a list")
        annotations = annotations or [{"result": []}]
        for annotation in annotations:
            if not isinstance(annotation, dict) or not isinstance(annotation.get("result"), list):
                fail("each annotation needs a 'result' list")
            if annotation.get("was_cancelled"):
                continue
            spans = _regions(annotation["result"], labels, fail)
            records.append(
                _sentence(source, number, body, spans, labels, _who(annotation, fail), fail)
            )
    return records


def _regions(result: list, labels: list[str], fail) -> list[tuple]:
    """The labelled regions of one annotation's `result`, each with its stance: the choice
    made for it (a region and its choice share an `id`; a region without one is its own, by
    position), else the region's own label where that is one of the project's labels."""
    regions, choices = {}, {}
    for position, item in enumerate(result):
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, dict):
            fail("each result needs a 'value'")
        key = item.get("id", ("position", position))
        if not isinstance(key, (str, int, tuple)) or isinstance(key, bool):
            fail(f"a result's 'id' must be a string, not {key!r}")
        if "start" in value and "end" in value:
            regions[key] = (value["start"], value["end"], value.get("text"), _own(value, labels))
        elif "choices" in value:
            chosen = value["choices"]
            if not isinstance(chosen, list) or not chosen:
                fail("'choices' must be a non-empty list of label names")
            if len(chosen) > 1:
                fail(f"a region has one stance, not several ({', '.join(map(str, chosen))})")
            choices[key] = chosen[0]
    stray = [key for key in choices if key not in regions]
    if stray:
        fail(
            f"a choice (id {stray[0]!r}) belongs to no labelled region: a stance is a per-region"
            " choice that shares its region's id"
        )
    return [
        (start, end, choices.get(key, own), text)
        for key, (start, end, text, own) in regions.items()
    ]


def _own(value: dict, labels: list[str]) -> str | None:
    """A region's own label when it names a stance ("favor") rather than a kind ("Actor")."""
    names = value.get("labels")
    if isinstance(names, list) and len(names) == 1 and isinstance(names[0], str):
        return known_label(names[0], labels)
    return None


def _who(annotation: dict, fail) -> str | None:
    """The annotation's author: Label Studio's user e-mail, else its numeric user id."""
    person = annotation.get("completed_by")
    if isinstance(person, dict):
        person = person.get("email") or person.get("id")
    if person is None:
        return None
    if isinstance(person, int) and not isinstance(person, bool):
        return f"label-studio-{person}"
    return _person(person, "completed_by", fail)


def read_doccano(source: str, text: str, labels: list[str]) -> list[Record]:
    """doccano's JSONL export of span labels: `text` with `label` ([[start, end, name], ...])
    or `entities` ([{"start_offset", "end_offset", "label"}]); the span's label is its stance."""
    records = []
    for number, obj in json_objects(source, text):

        def fail(message: str, number=number):
            raise InputError(source, message, number)

        if "label" not in obj and "entities" not in obj and ("spans" in obj or "answer" in obj):
            fail("this is Prodigy's JSONL ('spans', 'answer'), not doccano's: use --format prodigy")
        raw_spans = obj.get("label", obj.get("entities", []))
        if not isinstance(raw_spans, list):
            fail("'label' must be a list of [start, end, label]")
        spans = []
        for span in raw_spans:
            if isinstance(span, list) and len(span) == 3:
                spans.append((*span, None))
            elif isinstance(span, dict):
                offsets = (span.get("start_offset"), span.get("end_offset"))
                spans.append((*offsets, span.get("label"), None))
            else:
                fail("each span is [start, end, label] or an object with start_offset")
        annotator = _person(obj.get("user"), "user", fail)
        records.append(_sentence(source, number, obj.get("text"), spans, labels, annotator, fail))
    return records


def read_prodigy(source: str, text: str, labels: list[str]) -> list[Record]:
    """Prodigy's JSONL: `text`, `spans` ([{"start", "end", "label"}]) and `answer`; only
    accepted examples are labels (rejected and ignored ones are left out, as Prodigy's own
    exports of gold data do). The annotator is `_annotator_id` or `_session_id`."""
    records = []
    for number, obj in json_objects(source, text):

        def fail(message: str, number=number):
            raise InputError(source, message, number)

        if obj.get("answer") not in ("accept", "reject", "ignore"):
            fail("'answer' must be accept, reject or ignore")
        if obj["answer"] != "accept":
            continue
        raw_spans = obj.get("spans", [])
        if not isinstance(raw_spans, list) or not all(isinstance(s, dict) for s in raw_spans):
            fail("'spans' must be a list of objects with start, end and label")
        spans = [(s.get("start"), s.get("end"), s.get("label"), s.get("text")) for s in raw_spans]
        field = "_annotator_id" if obj.get("_annotator_id") is not None else "_session_id"
        who = _person(obj.get(field), field, fail)
        records.append(_sentence(source, number, obj.get("text"), spans, labels, who, fail))
    if not records:
        raise InputError(source, "no accepted examples ('answer': 'accept')")
    return records
