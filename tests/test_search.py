"""Sentence search: text, filters, and the page in plain and htmx form."""

import pytest

from annotator.store import review
from annotator.store.flags import flag_sentence
from annotator.store.search import SentenceFilter, fts_query, search_sentences

from .conftest import FIRST, HX


def ids(db, **fields):
    return [s["id"] for s in search_sentences(db, SentenceFilter(**fields))]


def test_text_search_uses_stems_and_ignores_fts_syntax(app, db):
    found = ids(db, text="visiting")  # porter stemming: "visit", "visits", "visiting"
    assert found and all(
        "visit" in s["text"].lower() for s in search_sentences(db, SentenceFilter(text="visiting"))
    )
    assert ids(db, text='"Putin*') == ids(db, text="Putin")  # no FTS syntax gets through
    assert fts_query('a "b" NEAR(c)') == '"a" "b" "NEAR" "c"'


def test_filters_by_actor_label_status_annotator_flag_and_model(app, db):
    assert FIRST in ids(db, actor="Putin")
    assert ids(db, actor="Nobody Atall") == []
    first = next(db.query("select id from mentions where sentence_id = ? order by start", [FIRST]))[
        "id"
    ]
    review.record_label(db, "ana", first, "against", ["favor", "against", "neutral"])
    assert ids(db, label="against") == [FIRST]
    assert ids(db, status="corrected", annotator="ana") == [FIRST]
    assert ids(db, status="corrected", annotator="ANA") == [FIRST]  # as sign-in reads names
    assert ids(db, annotator="ben") == []
    assert FIRST in ids(db, status="unreviewed")  # its other actors are not labelled yet
    assert ids(db, flagged=True) == []
    flag_sentence(db, "ana", FIRST, "sarcasm")
    assert ids(db, flagged=True) == [FIRST]
    assert FIRST in ids(db, model="stub:first") and ids(db, model="other") == []
    both = ids(db, text="Putin", actor="Kim")  # filters combine: sentences that pass both
    assert both and set(both) == set(ids(db, text="Putin")) & set(ids(db, actor="Kim"))
    assert len(both) < len(ids(db, text="Putin")) and len(both) < len(ids(db, actor="Kim"))


def test_search_page_plain_and_htmx(client):
    page = client.get("/search?text=Pyongyang&actor=&label=&status=&annotator=&model=")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html and "Pyongyang" in html
    partial = client.get("/search?text=Pyongyang", headers=HX).get_data(as_text=True)
    assert partial.lstrip().startswith('<section id="results"') and "<html" not in partial
    assert client.get("/search?label=happy").status_code == 400


@pytest.mark.parametrize("headers", [{}, HX])
def test_a_search_with_only_some_fields_finds_sentences(client, db, headers):
    expected = {row["id"] for row in db.query("select id from sentences where text like '%Putin%'")}
    response = client.get("/search?text=putin", headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Not a valid choice" not in html
    assert expected and all(f"/review/{sentence_id}" in html for sentence_id in expected)
    response = client.get("/search?text=putin&label=against", headers=headers)
    assert response.status_code == 200 and "/review/" not in response.get_data(as_text=True)
