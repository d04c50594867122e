"""Edges of the review flow found by using it: a held sentence without actors, a resubmitted
accept, numbers too large for a form, names with control characters, unknown ids."""

from __future__ import annotations

import pytest

from annotator.store import queue

from .conftest import FIRST, HX

NO_ACTORS = "putin-visits-north-korea-and-vietnam:4"


def first_mention(db, sentence_id: str = FIRST) -> int:
    return next(
        db.query("select id from mentions where sentence_id = ? order by start", [sentence_id])
    )["id"]


def test_a_sentence_opened_by_its_url_without_actors_is_not_served_from_the_queue(client, db):
    assert db["mentions"].count_where("sentence_id = ?", [NO_ACTORS]) == 0
    assert client.get(f"/review/{NO_ACTORS}").status_code == 200
    served = queue.next_sentence_id(db, "ana")
    assert served is not None and served != NO_ACTORS
    response = client.get("/review")
    assert NO_ACTORS not in response.get_data(as_text=True).split('id="review"')[1][:3000]


def test_a_sentence_whose_last_actor_is_removed_leaves_the_annotators_queue(client, db):
    sentence = next(
        db.query("select sentence_id from mentions group by sentence_id having count(*) = 1")
    )["sentence_id"]
    assert client.get(f"/review/{sentence}").status_code == 200
    [mention] = db.query("select id from mentions where sentence_id = ?", [sentence])
    assert client.post(f"/mentions/{mention['id']}/remove", headers=HX).status_code == 200
    assert queue.next_sentence_id(db, "ana") != sentence


def test_accepting_an_accepted_sentence_again_logs_nothing_to_undo(client, db):
    for _ in range(3):
        assert client.post(f"/sentences/{FIRST}/accept", headers=HX).status_code == 200
    assert db["decisions"].count_where("annotator = 'ana' and action = 'accept'") == 1
    assert queue.review_progress(db, "ana")["reviewed"] == 1
    assert client.post("/review/undo", headers=HX).status_code == 200  # one undo: back
    assert queue.review_progress(db, "ana")["reviewed"] == 0


@pytest.mark.parametrize("field", ["focus"])
def test_a_number_of_hundreds_of_digits_is_refused_not_a_crash(client, db, field):
    response = client.post(
        f"/mentions/{first_mention(db)}/label", data={"label": "favor", field: "9" * 400}
    )
    assert response.status_code == 400


def test_offsets_of_hundreds_of_digits_are_refused_not_a_crash(client, db):
    client.get(f"/review/{FIRST}")
    response = client.post(
        f"/sentences/{FIRST}/mentions",
        data={"text": "Putin", "start": "9" * 400, "end": "9" * 401},
        headers=HX,
    )
    assert response.status_code < 500
    assert "too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["\x00\x01", "Kim\x1bJong", "a\u0085b"])
def test_an_actor_name_with_control_characters_is_refused(client, db, name):
    client.get(f"/review/{FIRST}")
    mention = first_mention(db)
    before = db["actors"].count
    response = client.post(f"/mentions/{mention}/actor", data={"actor": name}, headers=HX)
    assert response.status_code < 500
    assert db["actors"].count == before
    assert not list(db.query("select 1 from actors where name = ?", [name]))


@pytest.mark.parametrize("headers", [{}, HX])
def test_accepting_an_unknown_sentence_is_not_found(client, headers):
    response = client.post("/sentences/nope/accept", headers=headers)
    assert response.status_code == 404
    assert "nope" not in client.get("/review").get_data(as_text=True)


def test_the_card_and_the_flag_form_repeat_no_element_id(client, db):
    page = client.get(f"/review/{FIRST}").get_data(as_text=True)
    flag = client.get(f"/sentences/{FIRST}/flag", headers=HX).get_data(as_text=True)
    assert 'id="csrf_token"' not in page + flag


@pytest.mark.parametrize(
    "url",
    [
        "/documents",
        "/actors",
        "/adjudicate",
        "/flags",
        "/jobs",
        "/models",
        "/stats",
        "/users",
        "/settings",
        "/search?q=Putin",
        f"/review/{FIRST}",
    ],
)
def test_no_page_repeats_an_element_id(app, client, db, url):
    """Each page with its repeated parts present (a merge to undo, several accounts)."""
    import re
    from collections import Counter

    from annotator.store.actors import merge_actors

    from .conftest import add_user

    merge_actors(db, "Moscow", "Russia")
    merge_actors(db, "Vladimir Putin", "Putin")
    add_user(app.config["DB"], "ben", "annotator")
    app.config["WTF_CSRF_ENABLED"] = True  # the forms' tokens rendered as in use
    response = client.get(url)
    assert response.status_code == 200
    ids = Counter(re.findall(r'\sid="([^"]+)"', response.get_data(as_text=True)))
    assert [name for name, count in ids.items() if count > 1] == []
