"""Importing files: every format, every bad input, and re-imports without duplicates."""

import json

import pytest

from annotator.ingest import InputError, import_file
from annotator.store.database import init_database

from .conftest import SEED, write

STANCE = ["favor", "against", "neutral"]
SENTIMENT = ["positive", "negative", "neutral"]


def counts(db):
    return {t: db.table(t).count for t in ("documents", "sentences", "mentions", "annotations")}


def test_txt_file_is_one_document_split_into_sentences(db):
    summary = import_file(db, SEED, "auto", STANCE)
    assert summary.documents == 1 and summary.sentences == 48
    assert counts(db)["sentences"] == 48
    assert db.table("mentions").count == summary.mentions > 50
    [doc] = db.table("documents").rows
    assert doc["id"] == "putin-visits-north-korea-and-vietnam"
    assert doc["title"] == "Putin visits North Korea and Vietnam"  # as the article spells it


@pytest.mark.parametrize(
    "name, text, title",
    [
        ("putin-us-talks.txt", "Putin and the US held talks. Talks resumed.", "Putin US talks"),
        # capitals that open a sentence or a line say nothing: "Talks" stays "talks"
        ("talks_ended.txt", "Talks ended.\nTalks! The talks ended.", "Talks ended"),
        ("BIDEN-speech.txt", "Joe Biden spoke. A speech by Biden followed.", "Biden speech"),
        ("kim-visit.txt", "Nothing here names him.", "Kim visit"),
    ],
)
def test_a_txt_title_spells_its_words_as_the_text_does(db, tmp_path, name, text, title):
    import_file(db, write(tmp_path / name, text), "auto", STANCE)
    [doc] = db.table("documents").rows
    assert doc["title"] == title


def test_a_documents_mentions_of_one_actor_share_its_actor_row(db):
    import_file(db, SEED, "auto", STANCE)
    actors = {a["id"]: a for a in db.table("actors").rows}
    assert len({(a["document_id"], a["name"]) for a in actors.values()}) == len(actors)
    mentions = list(db.table("mentions").rows)
    sentences = {s["id"]: s["text"] for s in db.table("sentences").rows}
    assert all(sentences[m["sentence_id"]][m["start"] : m["end"]] == m["text"] for m in mentions)
    putin = [a for a in actors.values() if a["name"] == "Vladimir Putin"]
    assert len(putin) == 1 and putin[0]["kind"] == "PERSON"
    in_sentences = {m["sentence_id"] for m in mentions if m["actor_id"] == putin[0]["id"]}
    assert len(in_sentences) > 5  # "Putin", "Vladimir Putin", "Russian President Putin"…


def test_reimporting_the_same_text_adds_nothing(db, tmp_path):
    import_file(db, SEED, "auto", STANCE)
    before = counts(db)
    copy = write(tmp_path / "renamed.txt", SEED.read_text(encoding="utf-8"))
    summary = import_file(db, copy, "auto", STANCE)
    assert summary.duplicates == 1 and counts(db) == before


def test_jsonl_documents_are_split_and_keep_meta(db, tmp_path):
    path = write(
        tmp_path / "docs.jsonl",
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "a",
                        "text": "Angela Merkel met Emmanuel Macron. Merkel smiled.",
                        "meta": {"source": "wire"},
                    }
                ),
                "",
                json.dumps({"text": "Joe Biden spoke in Berlin."}),
            ]
        ),
    )
    summary = import_file(db, path, "auto", STANCE)
    assert summary.documents == 2
    doc = db.table("documents").get("a")
    assert json.loads(doc["meta"]) == {"source": "wire"}
    assert db.table("sentences").count_where("document_id = ?", ["a"]) == 2


def test_jsonl_targets_are_kept_exactly_and_labels_stored(db, tmp_path):
    text = "Critics attacked Smith while Jones stayed quiet."
    record = {
        "id": "s1",
        "text": text,
        "annotator": "ana",
        "targets": [
            {"start": 17, "end": 22, "actor": "John Smith", "label": "against"},
            {"start": 29, "end": 34},
        ],
    }
    path = write(tmp_path / "gold.jsonl", json.dumps(record))
    summary = import_file(db, path, "jsonl", STANCE)
    assert summary.sentences == 1 and summary.mentions == 2 and summary.labels == 1
    [sentence] = db.table("sentences").rows
    assert sentence["text"] == text
    spans = [(m["start"], m["end"]) for m in db.table("mentions").rows]
    assert spans == [(17, 22), (29, 34)]
    [label] = db.table("annotations").rows
    assert (label["annotator"], label["label"], label["status"]) == ("ana", "against", "manual")


def test_second_annotator_labels_land_on_existing_mentions(db, tmp_path):
    text = "Critics attacked Smith."
    first = {"id": "s1", "text": text, "targets": [{"start": 17, "end": 22, "label": "against"}]}
    second = {"id": "s1", "text": text, "targets": [{"start": 17, "end": 22, "label": "neutral"}]}
    import_file(db, write(tmp_path / "a.jsonl", json.dumps(first)), "jsonl", STANCE, "ana")
    import_file(db, write(tmp_path / "b.jsonl", json.dumps(second)), "jsonl", STANCE, "ben")
    assert db.table("sentences").count == 1 and db.table("mentions").count == 1
    labels = {row["annotator"]: row["label"] for row in db.table("annotations").rows}
    assert labels == {"ana": "against", "ben": "neutral"}


def test_newsmtsc_needs_the_sentiment_scheme(db, tmp_path):
    line = {
        "primary_gid": "g1",
        "sentence_normalized": "Trump praised Pence.",
        "targets": [{"from": 14, "to": 19, "mention": "Pence", "polarity": 6.0}],
    }
    path = write(tmp_path / "n.jsonl", json.dumps(line))
    with pytest.raises(InputError, match="sentiment scheme"):
        import_file(db, path, "newsmtsc", STANCE)
    summary = import_file(db, path, "auto", SENTIMENT)
    assert summary.labels == 1
    [label] = db.table("annotations").rows
    assert label["label"] == "positive"


def test_newsmtsc_ids_holding_a_web_address_still_import(db, tmp_path):
    """NewsMTSC's own train split has gids like '..._http://abcn.ws/x': provenance, not a name
    anyone chose, so the empty part between the slashes is dropped instead of refusing the file."""
    line = {
        "primary_gid": "polusa_46_http://abcn.ws/2hiExTh\nTRUMP TEAM_89",
        "sentence_normalized": "Trump praised Pence.",
        "targets": [{"from": 14, "to": 19, "mention": "Pence", "polarity": 6.0}],
    }
    import_file(db, write(tmp_path / "n.jsonl", json.dumps(line)), "newsmtsc", SENTIMENT)
    [document] = db.table("documents").rows
    assert document["id"] == "polusa_46_http:/abcn.ws/2hiExTh\nTRUMP TEAM_89"


BAD_LINES = [
    ("{not json", "line 2: not valid JSON at column 2: Expecting property name"),
    ('{"text": "Smith won.", "x": tru}', "line 2: not valid JSON at column 29: Expecting value"),
    ("[1, 2]", "line 2: each line must be a JSON object"),
    ('{"id": "x"}', "line 2: 'text' is required"),
    ('{"text": "Smith won.", "targets": [{"start": 0, "end": 99}]}', "line 2: target offsets 0:99"),
    ('{"text": "Smith won.", "targets": [{"start": 3, "end": 1}]}', "line 2: target offsets"),
    (
        '{"text": "Smith won.", "targets": [{"start": 0, "end": 5, "label": "happy"}]}',
        "line 2: label 'happy' is not in the scheme",
    ),
    (
        '{"text": "Smith won.", "targets": [{"start": 0, "end": 5, "mention": "Jones"}]}',
        "line 2: target mention 'Jones' does not match",
    ),
    ('{"text": "Smith won.", "targets": "Smith"}', "line 2: 'targets' must be a list"),
]


@pytest.mark.parametrize("bad_line,message", BAD_LINES)
def test_a_bad_line_names_file_and_line_and_stores_nothing(db, tmp_path, bad_line, message):
    good = json.dumps({"id": "ok", "text": "Angela Merkel spoke."})
    path = write(tmp_path / "mixed.jsonl", good + "\n" + bad_line + "\n")
    with pytest.raises(InputError) as caught:
        import_file(db, path, "jsonl", STANCE)
    assert str(path) in str(caught.value) and message in str(caught.value)
    assert counts(db) == {"documents": 0, "sentences": 0, "mentions": 0, "annotations": 0}


def test_non_utf8_file_is_rejected_naming_its_line(db, tmp_path):
    text = "Merkel spoke.\n\nCaf\xe9 owners praised Merkel."
    path = write(tmp_path / "latin1.txt", text.encode("latin-1"))
    with pytest.raises(InputError) as caught:
        import_file(db, path, "auto", STANCE)
    assert str(caught.value) == (
        f"{path}, line 3: not UTF-8 text: byte 0xe9 at column 4 (byte 18 of the file);"
        " save it as UTF-8"
    )
    assert db.table("documents").count == 0


@pytest.mark.parametrize("content", ["", "   \n\n"])
def test_empty_file_is_rejected(db, tmp_path, content):
    path = write(tmp_path / "empty.txt", content)
    with pytest.raises(InputError, match="empty.txt: the file is empty"):
        import_file(db, path, "auto", STANCE)


def test_conflicting_document_id_rolls_back_the_whole_file(db, tmp_path):
    import_file(
        db,
        write(tmp_path / "a.jsonl", json.dumps({"id": "d", "text": "Merkel spoke."})),
        "jsonl",
        STANCE,
    )
    path = write(
        tmp_path / "b.jsonl",
        "\n".join(
            [
                json.dumps({"id": "new", "text": "Macron answered."}),
                json.dumps({"id": "d", "text": "Different text for the same id."}),
            ]
        ),
    )
    with pytest.raises(InputError, match="line 2: document id 'd' already exists"):
        import_file(db, path, "jsonl", STANCE)
    assert [row["id"] for row in db.table("documents").rows] == ["d"]


def test_missing_file_and_unknown_format(db, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        import_file(db, tmp_path / "nope.txt", "auto", STANCE)
    with pytest.raises(InputError, match="unknown format"):
        import_file(db, SEED, "xml", STANCE)


def test_scheme_cannot_change_once_labels_exist(db_path, tmp_path):
    db = init_database(db_path)
    path = write(
        tmp_path / "g.jsonl",
        json.dumps({"text": "Smith won.", "targets": [{"start": 0, "end": 5, "label": "favor"}]}),
    )
    import_file(db, path, "jsonl", STANCE)
    with pytest.raises(ValueError, match="cannot switch"):
        init_database(db_path, "sentiment")


NESTED = '{"text": "Vladimir Putin spoke.", "meta": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
HOSTILE_LINES = [
    (NESTED, "line 2: the JSON is nested too deeply"),
    (
        '{"text": "Putin spoke.", "meta": {"a": ' + "[" * 40 + "]" * 40 + "}}",
        "line 2: 'meta' nests more than 32 levels deep",
    ),
    ('{"id": "s1", "text": "Putin \\ud83d met Joe Biden."}', "line 2: a string holds a lone"),
    ('{"text": "Putin met Biden.", "title": "\\udc00"}', "line 2: a string holds a lone"),
]


@pytest.mark.parametrize("bad_line,message", HOSTILE_LINES)
def test_hostile_json_is_refused_by_file_and_line(db, tmp_path, bad_line, message):
    good = json.dumps({"id": "ok", "text": "Angela Merkel spoke."})
    path = write(tmp_path / "hostile.jsonl", good + "\n" + bad_line + "\n")
    with pytest.raises(InputError) as caught:
        import_file(db, path, "auto", STANCE)
    assert str(caught.value).startswith(f"{path}, {message}")
    assert counts(db) == {"documents": 0, "sentences": 0, "mentions": 0, "annotations": 0}


def test_a_surrogate_pair_and_shallow_meta_are_kept(db, tmp_path):
    record = '{"id": "smile", "text": "Angela Merkel smiled \\ud83d\\ude00.", "meta": {"a": [[1]]}}'
    import_file(db, write(tmp_path / "fine.jsonl", record + "\n"), "auto", STANCE)
    assert db.table("sentences").get("smile:0")["text"] == "Angela Merkel smiled \U0001f600."
    assert json.loads(db.table("documents").get("smile")["meta"]) == {"a": [[1]]}


def test_a_text_beyond_spacys_length_limit_is_imported_in_pieces(db, tmp_path, monkeypatch):
    from annotator.text import sentences

    # The real limits (1,000,000 and 10,000 characters) scaled down a hundredfold.
    monkeypatch.setattr(sentences.load_pipeline(), "max_length", 10_000)
    monkeypatch.setattr(sentences, "LONGEST_PIECE", 100)
    run_on = "Angela Merkel and Joe Biden talk " * 400  # 13,200 characters, no full stop
    path = write(tmp_path / "run-on.txt", run_on + "\n\nMerkel left. Biden stayed.\n")
    summary = import_file(db, path, "auto", STANCE)
    texts = [s["text"] for s in db.query("select text from sentences order by position")]
    assert summary.sentences == len(texts) > 130 and texts[-2:] == ["Merkel left.", "Biden stayed."]
    assert all(len(text) <= 100 for text in texts)
    assert " ".join(texts[:-2]) == run_on.strip()  # cut at white space, nothing lost
    actors = {a["name"] for a in db.table("actors").rows}
    assert {"Angela Merkel", "Joe Biden"} <= actors


@pytest.mark.parametrize("name", ["id", "document_id"])
@pytest.mark.parametrize("bad_id", ["a/../b", "./a", "a//b", "/a", "a/"])
def test_an_id_no_web_address_can_carry_is_refused(db, tmp_path, name, bad_id):
    record = {name: bad_id, "text": "Angela Merkel spoke.", "targets": []}
    path = write(tmp_path / "ids.jsonl", json.dumps(record) + "\n")
    with pytest.raises(InputError, match=f"line 1: {name} .* cannot be part of a web address"):
        import_file(db, path, "auto", STANCE)
    assert counts(db)["documents"] == 0
