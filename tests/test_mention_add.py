"""Adding a missed mention: by offsets or by words, validated, undoable, exported."""

import json
import re

import pytest

from annotator.store.exports import iter_export_records
from annotator.store.mention_edits import add_mention, find_words
from annotator.store.review import ReviewError, record_label
from annotator.store.undo import undo_last

from .conftest import FIRST, HX


def sentence_text(db, sentence_id=FIRST):
    return db.table("sentences").get(sentence_id)["text"]


def unmentioned_word(db, sentence_id=FIRST) -> tuple[int, int]:
    """A word inside the sentence, between spaces, that no mention covers and that the
    sentence has once (typed words that occur twice are refused)."""
    text = sentence_text(db, sentence_id)
    taken = [
        (m["start"], m["end"])
        for m in db.table("mentions").rows_where("sentence_id = ?", [sentence_id])
    ]
    position = 0
    for word in text.split():
        start = text.index(word, position)
        end = start + len(word)
        position = end
        inside = start > 0 and text[start - 1] == " " and text[end : end + 1] == " "
        once = len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text)) == 1
        if word.isalpha() and inside and once and not any(s < end and e > start for s, e in taken):
            return start, end
    raise AssertionError("every word is a mention")


def test_add_mention_stores_a_new_actor_and_undo_removes_both(app, db):
    start, end = unmentioned_word(db)
    words = sentence_text(db)[start:end]
    actors_before = db.table("actors").count
    mention_id = add_mention(db, "ana", FIRST, start - 1, end + 1, "New Actor")  # with spaces
    mention = db.table("mentions").get(mention_id)
    assert (mention["start"], mention["end"], mention["text"]) == (start, end, words)
    assert db.table("actors").get(mention["actor_id"])["name"] == "New Actor"
    record_label(db, "ana", mention_id, "against", ["favor", "against", "neutral"])
    undo_last(db, "ana")  # the label
    undo_last(db, "ana")  # the addition
    assert db.table("mentions").count_where("id = ?", [mention_id]) == 0
    assert db.table("actors").count == actors_before


def test_add_mention_rejects_overlaps_and_bad_spans(app, db):
    first = next(db.table("mentions").rows_where("sentence_id = ?", [FIRST], order_by="start"))
    with pytest.raises(ReviewError, match="overlaps the mention"):
        add_mention(db, "ana", FIRST, first["start"], first["end"])
    with pytest.raises(ReviewError, match="outside the sentence"):
        add_mention(db, "ana", FIRST, 5, 10_000)
    with pytest.raises(ReviewError, match="not only spaces"):
        space = sentence_text(db).index(" ")
        add_mention(db, "ana", FIRST, space, space + 1)
    with pytest.raises(ReviewError, match="no sentence"):
        add_mention(db, "ana", "nope:1", 0, 1)
    with pytest.raises(ReviewError, match="is not in the sentence"):
        find_words(db, FIRST, "Angela Merkel")


def test_typed_words_are_whole_words_and_the_first_free_place(app, db):
    """ "the" inside "there" or "mother" is no word typed; of words the sentence has twice the
    first free place is taken, and the caller is told how many others there are."""
    text = sentence_text(db)
    repeated = next(
        w for w in text.split() if w.isalpha() and len(re.findall(rf"(?<!\w){w}(?!\w)", text)) > 1
    )
    start, end, others = find_words(db, FIRST, repeated)
    assert text[start:end] == repeated and others >= 1
    assert start == re.search(rf"(?<!\w){repeated}(?!\w)", text).start()
    start, end = unmentioned_word(db)
    word = text[start:end]
    with pytest.raises(ReviewError, match="is not in the sentence as whole words"):
        find_words(db, FIRST, word[1:])  # a piece of a word is no word
    assert find_words(db, FIRST, f"  {word} ") == (start, end, 0)


@pytest.mark.parametrize("headers", [{}, HX])
def test_words_typed_that_the_sentence_has_twice_mark_the_first_and_say_so(client, db, headers):
    text = sentence_text(db)
    repeated = next(
        w for w in text.split() if w.isalpha() and len(re.findall(rf"(?<!\w){w}(?!\w)", text)) > 1
    )
    response = client.post(f"/sentences/{FIRST}/mentions", data={"text": repeated}, headers=headers)
    if not headers:
        response = client.get(response.location)
    html = response.get_data(as_text=True)
    assert f"“{repeated}” is in the sentence" in html and "the first was marked" in html
    assert db.table("mentions").count_where("sentence_id = ? and text = ?", [FIRST, repeated]) == 1


@pytest.mark.parametrize("headers", [{}, HX])
def test_adding_by_typed_words_focuses_the_new_mention(client, db, headers):
    start, end = unmentioned_word(db)
    words = sentence_text(db)[start:end]
    response = client.post(f"/sentences/{FIRST}/mentions", data={"text": words}, headers=headers)
    mention = next(db.table("mentions").rows_where("sentence_id = ? and start = ?", [FIRST, start]))
    assert mention["end"] == end
    if headers:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f'id="mention-{mention["id"]}"' in html
        assert (
            f'id="mention-{mention["id"]}" tabindex="0" data-keyscope\n            data-current'
            in html
        )
    else:
        assert response.status_code == 303 and "focus=" in response.location


@pytest.mark.parametrize("headers", [{}, HX])
def test_adding_by_selection_checks_the_offsets_match_the_words(client, db, headers):
    start, end = unmentioned_word(db)
    data = {"text": "something else", "start": start, "end": end}
    refused, wrong = (200, 200) if headers else (409, 400)  # htmx swaps no 4xx reply
    data["actor"] = "Someone <b>"
    response = client.post(f"/sentences/{FIRST}/mentions", data=data, headers=headers)
    assert response.status_code == refused
    html = response.get_data(as_text=True)
    assert "not “something else”" in html
    # the panel stays open with what was typed, the message beside it, the focus in it
    assert '<details class="add-mention" id="add-mention" open>' in html
    assert 'value="something else" aria-invalid="true" aria-describedby="add-mention-error"' in html
    assert 'value="Someone &lt;b&gt;"' in html
    assert html.count("autofocus") == 1 and html.index("autofocus") > html.index('name="text"')
    assert db.table("mentions").count_where("sentence_id = ? and start = ?", [FIRST, start]) == 0
    response = client.post(
        f"/sentences/{FIRST}/mentions", data={"text": "x", "start": 3}, headers=headers
    )
    assert response.status_code == wrong
    html = response.get_data(as_text=True)
    refusal = 'id="add-mention-error" role="alert" data-refusal>End: give both offsets or neither'
    assert refusal in html
    assert 'value="x"' in html
    assert client.post("/sentences/nope:0/mentions", data={"text": "x"}).status_code == 404


def test_an_added_mention_is_exported_with_its_label(client, db):
    start, end = unmentioned_word(db)
    words = sentence_text(db)[start:end]
    client.post(
        f"/sentences/{FIRST}/mentions",
        data={"text": words, "start": start, "end": end, "actor": "Someone"},
    )
    mention = next(db.table("mentions").rows_where("sentence_id = ? and start = ?", [FIRST, start]))
    client.post(f"/mentions/{mention['id']}/label", data={"label": "favor"})
    record = next(r for r in iter_export_records(db) if r["id"] == FIRST)
    target = next(t for t in record["targets"] if t["start"] == start)
    assert (target["actor"], target["mention"], target["end"]) == ("Someone", words, end)
    assert json.loads(json.dumps(target)) == target  # serialisable as exported
    # ana's label is gold, given without a pre-label
    assert (target["label"], target["status"], target["annotator"]) == ("favor", "manual", "ana")
    assert "labels" not in target and target["prediction"] is None
