"""Files from other tools and stance benchmarks: each sample (tests/data/formats/, shown in the
README) is detected, imported and exported again with the same labels; bad lines are named."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from annotator.exporting import write_export
from annotator.ingest import InputError, import_file
from annotator.ingest.formats import detect_format
from annotator.ingest.readers import read_text
from annotator.store.database import init_database

from .conftest import write

SAMPLES = Path(__file__).resolve().parent / "data" / "formats"
STANCE = ["favor", "against", "neutral"]

# What each sample says: (text, mention) -> label, as the file gives it.
EXPECTED = {
    "label-studio.json": {
        ("Putin praised Kim Jong-un for his support.", "Putin"): "neutral",
        ("Putin praised Kim Jong-un for his support.", "Kim Jong-un"): "favor",
        ("Kuleba ridiculed the lavish welcome in Pyongyang.", "Kuleba"): "neutral",
    },
    "doccano.jsonl": {
        ("The ICC issued a warrant for Putin.", "ICC"): "neutral",
        ("The ICC issued a warrant for Putin.", "Putin"): "against",
        ("Ukraine was attacked again by Russian forces.", "Ukraine"): "neutral",
    },
    "prodigy.jsonl": {
        ("Biden criticised the sham election of Putin.", "Biden"): "neutral",
        ("Biden criticised the sham election of Putin.", "Putin"): "against",
    },
    "semeval.csv": {
        ("Clinton would be a great president, says her campaign.", "Clinton"): "favor",
        ('Nobody trusts Trump on trade, "not even" his allies.', "Trump"): "against",
        ("Hillary Clinton spoke in Iowa today.", "Hillary Clinton"): "neutral",
    },
    "pstance.csv": {
        ("Sanders is the only one fighting for workers.", "Sanders"): "favor",
        ("Biden's plan will hurt families.", "Biden"): "against",
    },
}
FORMAT = {
    "label-studio.json": "label-studio",
    "doccano.jsonl": "doccano",
    "prodigy.jsonl": "prodigy",
    "semeval.csv": "semeval",
    "pstance.csv": "pstance",
}


@pytest.fixture
def stance_db(tmp_path):
    db = init_database(tmp_path / "formats.db", "stance")
    yield db
    db.close()


def exported_labels(db) -> dict:
    buffer = io.StringIO()
    write_export(db, buffer)
    return {
        (record["text"], target["mention"]): target["label"]
        for record in map(json.loads, buffer.getvalue().splitlines())
        for target in record["targets"]
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_sample_is_detected_imported_and_exported_with_its_labels(stance_db, name):
    path = SAMPLES / name
    assert detect_format(path, read_text(path, name), name) == FORMAT[name]
    import_file(stance_db, path, "auto", STANCE)
    assert exported_labels(stance_db) == EXPECTED[name]


def test_who_labelled_comes_along(stance_db):
    import_file(stance_db, SAMPLES / "label-studio.json", "auto", STANCE)
    import_file(stance_db, SAMPLES / "prodigy.jsonl", "auto", STANCE)
    people = {row["annotator"] for row in stance_db.query("select annotator from annotations")}
    assert people == {"label-studio-1", "ana@example.org", "stance-ana"}


def _region(id_, start, end, text):
    value = {"start": start, "end": end, "text": text, "labels": ["Actor"]}
    return {"type": "labels", "value": value} | ({"id": id_} if id_ else {})


def _choice(id_, label):
    return {"id": id_, "type": "choices", "value": {"choices": [label]}}


def _task(text, result, choices=None):
    if choices is not None:  # a malformed choice: the label as a bare string
        result = [{**item, "value": {"choices": choices}} for item in result]
    return {"data": {"text": text}, "annotations": [{"result": result}]}


@pytest.mark.parametrize(
    ("name", "fmt", "text", "problem"),
    [
        (
            "bad.csv",
            "semeval",
            "Target,Tweet,Stance\nJoe Biden,Nothing about him.,FAVOR\n",
            "line 2: the target 'Joe Biden' is not written",
        ),
        (
            "bad.csv",
            "pstance",
            "Tweet,Target,Label\nBiden spoke.,Joe Biden,MAYBE\n",
            "line 2: label 'MAYBE' is not in the scheme",
        ),
        ("bad.csv", "semeval", "Tweet,Stance\nBiden spoke.,FAVOR\n", "the header lacks Target"),
        (
            "bad.jsonl",
            "doccano",
            '{"text": "Biden spoke.", "label": [[0, 50, "favor"]]}\n',
            "line 1: target offsets 0:50 are outside the text",
        ),
        (
            "bad.jsonl",
            "prodigy",
            '{"text": "Biden spoke.", "spans": [], "answer": "maybe"}\n',
            "line 1: 'answer' must be accept, reject or ignore",
        ),
        (
            "bad.json",
            "label-studio",
            '[{"data": {"text": "Biden spoke."}, "annotations": [{}]}]',
            "task 1: each annotation needs a 'result' list",
        ),
        ("bad.json", "label-studio", '{"data": {}}', "a JSON list of tasks"),
        ("deep.json", "label-studio", "[" * 100_000, "nested too deeply"),
        (
            "long.csv",
            "semeval",
            'Target,Tweet,Stance\nBiden,"' + "x" * 200_000 + '",FAVOR\n',
            "line 2: not valid CSV",
        ),
        (
            "bad.json",
            "label-studio",
            json.dumps([_task("Biden spoke.", [_region("r1", 0, 5, "Bidn")])]),
            "task 1: target mention 'Bidn' does not match the text at 0:5",
        ),
        (
            "bad.jsonl",
            "prodigy",
            '{"text": "Biden spoke.", "answer": "accept",'
            ' "spans": [{"start": 0, "end": 5, "text": "Putin", "label": "favor"}]}\n',
            "line 1: target mention 'Putin' does not match",
        ),
        (
            "bad.jsonl",
            "doccano",
            '{"text": "Biden spoke.", "label": [[5, 6, "favor"]]}\n',
            "line 1: target offsets 5:6 hold only whitespace",
        ),
        (
            "prodigy.jsonl",
            "doccano",
            '{"text": "Biden spoke.", "answer": "accept", "spans": []}\n',
            "line 1: this is Prodigy's JSONL",
        ),
        (
            "bad.json",
            "label-studio",
            json.dumps([_task("Biden spoke.", [_choice("r1", "favor")], choices="favor")]),
            "task 1: 'choices' must be a non-empty list",
        ),
        (
            "bad.json",
            "label-studio",
            '[{"data": {"text": "Biden spoke."}, "annotations": 5}]',
            "task 1: 'annotations' must be a list",
        ),
        (
            "bad.json",
            "label-studio",
            json.dumps([_task("Biden spoke.", [_region(["r1"], 0, 5, "Biden")])]),
            "task 1: a result's 'id' must be a string",
        ),
        (
            "bad.json",
            "label-studio",
            '[{"data": {"text": "Biden \\ud83d spoke."}}]',
            "lone UTF-16 surrogate",
        ),
        (
            "bad.json",
            "label-studio",
            json.dumps(
                [_task("Biden spoke.", [_region("r1", 0, 5, "Biden"), _choice("r2", "favor")])]
            ),
            "task 1: a choice \\(id 'r2'\\) belongs to no labelled region",
        ),
        (
            "bad.json",
            "label-studio",
            json.dumps(
                [
                    {
                        "data": {"text": "Biden spoke."},
                        "annotations": [{"completed_by": True, "result": []}],
                    }
                ]
            ),
            "task 1: 'completed_by' must be a name or numeric id",
        ),
        (
            "bad.jsonl",
            "doccano",
            '{"text": "Biden spoke.", "label": [[0, 5, "favor"], [0, 5, "against"]]}\n',
            "line 1: the span 0:5 is labelled both favor and against",
        ),
        (
            "bad.jsonl",
            "prodigy",
            '{"text": "Biden spoke.", "answer": "accept", "_annotator_id": {"a": 1}}\n',
            "line 1: '_annotator_id' must be a name",
        ),
        (
            "open.csv",
            "semeval",
            'Target,Tweet,Stance\nBiden,Biden spoke.,FAVOR\nTrump,"Trump spoke.,AGAINST\n',
            "line 3: not valid CSV: a quote opened here is never closed",
        ),
        (
            "late.csv",
            "semeval",
            'Target,Tweet,Stance\nTrump,"Trump is bad,AGAINST\nBiden,Biden "spoke",FAVOR\n',
            "line 2: not valid CSV",
        ),
        (
            "nan.jsonl",
            "jsonl",
            '{"text": "Biden spoke.", "targets": [{"start": 0, "end": 5,'
            ' "prediction": {"label": "favor", "score": NaN, "model": "m"}}]}\n',
            "line 1: a target's 'prediction' needs 'label' in the scheme, a finite",
        ),
        (
            "deep.jsonl",
            "jsonl",
            '{"text": "a", "x": ' + "[" * 900 + '"\\ud83d"' + "]" * 900 + "}\n",
            "line 1: (the JSON is nested too deeply|a string holds a lone|.*nest)",
        ),
        (
            "nul.jsonl",
            "jsonl",
            '{"text": "Putin\\u0000 met Biden."}\n',
            "line 1: a string holds a NUL character",
        ),
        (
            "nul.json",
            "label-studio",
            '[{"data": {"text": "Putin\\u0000 met Biden."}}]',
            "task 1: a string holds a NUL character",
        ),
        (
            "bad.json",
            "label-studio",
            '[{"data": {"text": "Biden spoke."}, "annotations": {}}]',
            "task 1: 'annotations' must be a list",
        ),
        (
            "who.jsonl",
            "jsonl",
            '{"text": "Biden spoke.", "targets": [{"start": 0, "end": 5, "label": "favor",'
            ' "annotator": "eve|mallory"}]}\n',
            "line 1: 'annotator' must be a name or numeric id",
        ),
        (
            "who.jsonl",
            "jsonl",
            '{"text": "Biden spoke.", "annotator": "line\\nbreak", "targets": []}\n',
            "line 1: 'annotator' must be a name",
        ),
        (
            "two.json",
            "label-studio",
            json.dumps(
                [_task("Biden spoke.", [_region("r1", 0, 5, "Biden"), _choice("r1", "favor")])]
            ).replace('["favor"]', '["favor", "against"]'),
            "task 1: a region has one stance, not several",
        ),
        (
            "alone.json",
            "label-studio",
            json.dumps([_task("Biden spoke.", [_choice("c1", "favor")])]),
            "task 1: a choice \\(id 'c1'\\) belongs to no labelled region",
        ),
        (
            "nul.csv",
            "semeval",
            "Target,Tweet,Stance\nBiden,Biden\x00 spoke.,FAVOR\n",
            "line 2: holds a NUL",
        ),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_stored(stance_db, tmp_path, name, fmt, text, problem):
    path = write(tmp_path / name, text)
    with pytest.raises(InputError, match=problem):
        import_file(stance_db, path, fmt, STANCE)
    assert stance_db["sentences"].count == 0


def test_a_csv_without_a_known_header_asks_for_the_format(stance_db, tmp_path):
    path = write(tmp_path / "other.csv", "a,b\n1,2\n")
    with pytest.raises(InputError, match="name its format"):
        import_file(stance_db, path, "auto", STANCE)


def test_a_sentiment_project_refuses_stance_benchmark_labels_by_line(tmp_path):
    db = init_database(tmp_path / "sentiment.db", "sentiment")
    with pytest.raises(InputError, match="line 2: label 'FAVOR' is not in the scheme"):
        import_file(db, SAMPLES / "semeval.csv", "auto", ["positive", "negative", "neutral"])


def test_a_benchmark_csv_uploads_in_the_browser(client, db):
    data = {"file": ((SAMPLES / "pstance.csv").open("rb"), "pstance.csv")}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 303), response.get_data(as_text=True)


def test_label_studio_regions_without_an_id_stay_apart(stance_db, tmp_path):
    text = "Biden met Putin."
    regions = [_region(None, 0, 5, "Biden"), _region(None, 10, 15, "Putin")]
    path = write(tmp_path / "ls.json", json.dumps([_task(text, regions)]))
    import_file(stance_db, path, "auto", STANCE)
    assert sorted(exported_labels(stance_db)) == [(text, "Biden"), (text, "Putin")]


@pytest.mark.parametrize(
    ("lines", "fmt"),
    [
        (  # Prodigy: the first example was skipped and has no spans
            [
                '{"text": "Biden spoke.", "answer": "ignore"}',
                '{"text": "Putin spoke.",'
                ' "answer": "accept", "spans": [{"start": 0, "end": 5, "label": "favor"}]}',
            ],
            "prodigy",
        ),
        (  # doccano: the first text is not labelled yet
            ['{"text": "Biden spoke."}', '{"text": "Putin spoke.", "label": [[0, 5, "favor"]]}'],
            "doccano",
        ),
        (['{"text": "Biden spoke."}', '{"text": "Putin spoke."}'], "jsonl"),
    ],
)
def test_detection_reads_past_the_first_line(tmp_path, lines, fmt):
    path = write(tmp_path / "data.jsonl", "\n".join(lines) + "\n")
    assert detect_format(path, read_text(path, "data.jsonl"), "data.jsonl") == fmt


def test_a_deeply_nested_upload_is_a_named_error_not_a_crash(client, db):
    before = db["sentences"].count
    data = {"file": (io.BytesIO(b"[" * 100_000), "deep.json")}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 303, 400), response.status_code
    assert "nested too deeply" in response.get_data(as_text=True)
    assert db["sentences"].count == before


def test_fields_nested_in_meta_do_not_change_the_format(tmp_path):
    line = {"id": "a1", "text": "Putin met Biden.", "meta": {"tags": {"label": ["x"], "answer": 1}}}
    path = write(tmp_path / "plain.jsonl", json.dumps(line) + "\n")
    assert detect_format(path, read_text(path, "plain.jsonl"), "plain.jsonl") == "jsonl"


def test_a_label_studio_region_labelled_with_a_stance_keeps_it(stance_db, tmp_path):
    region = _region("r1", 0, 5, "Biden") | {"value": {"start": 0, "end": 5, "labels": ["FAVOR"]}}
    other = _region("r2", 10, 15, "Putin")
    path = write(tmp_path / "ls.json", json.dumps([_task("Biden met Putin.", [region, other])]))
    import_file(stance_db, path, "auto", STANCE)
    text = "Biden met Putin."
    assert exported_labels(stance_db) == {(text, "Biden"): "favor", (text, "Putin"): None}


def test_a_text_imported_with_labels_then_as_plain_text_is_a_duplicate(stance_db, tmp_path):
    labelled = write(
        tmp_path / "d.jsonl", '{"text": "Putin met Biden.", "label": [[0, 5, "against"]]}\n'
    )
    import_file(stance_db, labelled, "doccano", STANCE)
    plain = write(tmp_path / "p.jsonl", '{"text": "Putin met Biden."}\n')
    summary = import_file(stance_db, plain, "jsonl", STANCE)
    assert summary.duplicates == 1 and stance_db["sentences"].count == 1


def test_importing_the_same_labels_again_adds_none(stance_db):
    first = import_file(stance_db, SAMPLES / "doccano.jsonl", "auto", STANCE)
    stamps = [row["updated"] for row in stance_db.query("select updated from annotations")]
    again = import_file(stance_db, SAMPLES / "doccano.jsonl", "auto", STANCE)
    assert first.labels == 3 and again.labels == 0
    assert [row["updated"] for row in stance_db.query("select updated from annotations")] == stamps


def test_files_named_in_other_scripts_get_ids_of_their_own(stance_db, tmp_path):
    for name in ("статья.txt", "новости.txt", "日本.txt"):
        import_file(stance_db, write(tmp_path / name, f"Putin spoke about {name}."), "txt", STANCE)
    ids = [row["id"] for row in stance_db.query("select id from documents")]
    assert len(set(ids)) == 3 and all(i.startswith("doc-") for i in ids)


def test_an_upload_named_in_another_script_keeps_its_format(client, db):
    before = db["sentences"].count
    data = {"file": ((SAMPLES / "doccano.jsonl").open("rb"), "данные.jsonl")}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 303), response.get_data(as_text=True)
    stored = [p for p in (Path(client.application.config["DB"]).parent / "uploads").iterdir()]
    assert any(p.name.endswith(".jsonl") for p in stored)
    assert db["sentences"].count >= before


def test_rows_without_a_title_or_id_are_titled_by_their_opening_words(stance_db, tmp_path):
    long_row = (
        "Trump said on Monday that the trade talks with China were going very well"
        " and would end soon"
    )
    path = write(
        tmp_path / "rows.csv",
        f"Target,Tweet,Stance\nBiden,Biden spoke.,FAVOR\nTrump,{long_row},AGAINST\n",
    )
    import_file(stance_db, path, "auto", STANCE)
    titles = {row["title"] for row in stance_db.query("select title from documents")}
    assert titles == {
        "Biden spoke.",
        "Trump said on Monday that the trade talks with China were…",
    }
    # direction overrides and other invisible marks of the text make no title
    marked = write(
        tmp_path / "marked.jsonl",
        json.dumps({"text": "\u202eKim spoke \u200bagain.", "targets": []}) + "\n",
    )
    import_file(stance_db, marked, "auto", STANCE)
    titles = {row["title"] for row in stance_db.query("select title from documents")}
    assert "Kim spoke again." in titles
    # a record that names its document keeps that name as its title
    named = write(
        tmp_path / "named.jsonl",
        json.dumps({"text": "Kim spoke.", "document_id": "kim-1", "targets": []}) + "\n",
    )
    import_file(stance_db, named, "auto", STANCE)
    assert stance_db.table("documents").get("kim-1")["title"] == "kim-1"


def test_a_benchmark_header_is_read_in_any_case(stance_db, tmp_path):
    path = write(tmp_path / "lower.csv", "tweet, TARGET ,label\nBiden spoke.,Joe Biden,AGAINST\n")
    assert detect_format(path, read_text(path, "lower.csv"), "lower.csv") == "pstance"
    import_file(stance_db, path, "auto", STANCE)
    assert exported_labels(stance_db) == {("Biden spoke.", "Biden"): "against"}
