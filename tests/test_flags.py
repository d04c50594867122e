"""Flagging a sentence as uncertain: store, web (plain and htmx) and undo."""

import re

import pytest

from annotator.ingest import import_file
from annotator.schemes import get_scheme
from annotator.store import review
from annotator.store.flags import flag_sentence, list_flags
from annotator.store.undo import undo_last

from .conftest import FIRST, HX, SEED


def test_flag_is_stored_listed_and_undone(db):
    import_file(db, SEED, "auto", get_scheme("stance").label_names)
    flag_sentence(db, "ana", FIRST, "sarcasm", "  irony?  ")
    [row] = list_flags(db)
    assert (row["reason"], row["comment"], row["annotator"]) == ("sarcasm", "irony?", "ana")
    flag_sentence(db, "ana", FIRST, "reported speech")
    assert [f["reason"] for f in list_flags(db)] == ["reported speech"]
    assert undo_last(db, "ana").sentence_id == FIRST
    assert [f["reason"] for f in list_flags(db)] == ["sarcasm"]
    undo_last(db, "ana")
    assert list_flags(db) == []


def test_bad_reason_and_sentence_are_refused(db):
    import_file(db, SEED, "auto", get_scheme("stance").label_names)
    with pytest.raises(review.ReviewError, match="not one of"):
        flag_sentence(db, "ana", FIRST, "boring")
    with pytest.raises(review.ReviewError, match="no sentence"):
        flag_sentence(db, "ana", "nope", "other")
    assert db.table("flags").count == 0


def test_flag_form_and_post_plain(client, db):
    page = client.get(f"/sentences/{FIRST}/flag")
    assert page.status_code == 200 and "Flag this sentence" in page.get_data(as_text=True)
    response = client.post(
        f"/sentences/{FIRST}/flag", data={"reason": "wrong actor", "comment": "Pyongyang is a city"}
    )
    assert response.status_code == 303 and FIRST in response.location
    [row] = db.table("flags").rows
    assert row["reason"] == "wrong actor" and row["comment"] == "Pyongyang is a city"
    html = client.get(response.location).get_data(as_text=True)
    assert "flagged: wrong actor" in html
    assert "Pyongyang is a city" in client.get("/flags").get_data(as_text=True)


def test_flag_form_and_post_htmx(client, db):
    card = client.get(f"/review/{FIRST}").get_data(as_text=True)
    assert '<details class="flag" id="flag-details">' in card  # in the card, closed
    response = client.post(f"/sentences/{FIRST}/flag", data={"reason": "other"}, headers=HX)
    assert "flagged: other" in response.get_data(as_text=True)
    assert db.table("flags").count == 1


def test_flag_without_reason_comes_back_with_the_error(client, db):
    response = client.post(f"/sentences/{FIRST}/flag", data={"comment": "x"})
    assert response.status_code == 400 and "Pick a reason." in response.get_data(as_text=True)
    response = client.post(f"/sentences/{FIRST}/flag", data={"comment": "x"}, headers=HX)
    html = response.get_data(as_text=True)
    # the whole card back (it is what htmx swaps), its flag panel open with the reason
    assert response.status_code == 200 and html.lstrip().startswith('<section id="review"')
    assert '<details class="flag" id="flag-details" open>' in html
    assert "Pick a reason." in html and re.search(r">\s*x</textarea>", html)  # kept
    assert re.search(r'<input autofocus[^>]*name="reason"', html)
    assert db.table("flags").count == 0


@pytest.mark.parametrize("comment", ["nul\x00byte", "\u202eniTuP", "bell\x07"])
def test_a_flag_comment_with_control_characters_is_refused(client, db, comment):
    response = client.post(f"/sentences/{FIRST}/flag", data={"reason": "other", "comment": comment})
    assert response.status_code == 400 and "no control characters" in response.get_data(True)
    assert db.table("flags").count == 0
    lines = "first line\r\nsecond\tline"  # a comment of several lines is fine
    response = client.post(f"/sentences/{FIRST}/flag", data={"reason": "other", "comment": lines})
    assert response.status_code == 303 and db.table("flags").count == 1
