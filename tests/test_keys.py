"""The review card from the keyboard: undo's focus, the focused actor in the text, every key
listed, label buttons reachable without script, and pages that log no error."""

import json
import re

import pytest

from annotator.store import review
from annotator.store.mention_edits import reassign_mention, remove_mention
from annotator.store.overall import set_question
from annotator.store.undo import undo_last

from .conftest import FIRST, HX, ROOT

LABELS = ["favor", "against", "neutral"]


def mention_ids(db, sentence_id=FIRST):
    rows = db.query("select id from mentions where sentence_id = ? order by start", [sentence_id])
    return [r["id"] for r in rows]


def test_undo_names_the_mention_whose_decision_it_reverted(app, db):
    first, second, *_ = mention_ids(db)
    review.record_label(db, "ana", first, "against", LABELS)
    review.record_label(db, "ana", second, "against", LABELS)
    reassign_mention(db, "ana", second, "Somebody")
    remove_mention(db, "ana", first)
    assert undo_last(db, "ana").mention_id == first  # the removed mention is back
    assert undo_last(db, "ana").mention_id == second  # moved back
    undone = undo_last(db, "ana")
    assert (undone.sentence_id, undone.mention_id) == (FIRST, second)
    review.accept_sentence(db, "ana", FIRST)
    assert undo_last(db, "ana").mention_id == second  # the first actor it gave a pre-label
    review.skip_sentence(db, "ana", FIRST)
    assert undo_last(db, "ana").mention_id is None
    set_question(db, True)
    review.record_overall(db, "ana", FIRST, "negative")
    assert (undo_last(db, "ana").mention_id, undo_last(db, "ana").mention_id) == (None, first)
    assert undo_last(db, "ana") is None


@pytest.mark.parametrize("headers", [{}, HX])
def test_after_undo_focus_returns_to_the_actor_it_was_about(client, db, headers):
    first, second, *_ = mention_ids(db)
    client.post(f"/mentions/{first}/label", data={"label": "against", "focus": 1})
    client.post(f"/mentions/{second}/label", data={"label": "against", "focus": 2})
    response = client.post("/review/undo", headers=headers)
    if headers:
        html = response.get_data(as_text=True)
        assert re.search(rf'id="mention-{second}"[^>]*data-current autofocus', html)
    else:
        assert response.location.endswith(f"/review/{FIRST}?focus=1")


def test_undo_of_an_overall_answer_returns_to_the_question(client, db):
    set_question(db, True)
    client.post(f"/sentences/{FIRST}/overall", data={"label": "negative"})
    html = client.post("/review/undo", headers=HX).get_data(as_text=True)
    assert re.search(r'id="overall"[^>]*data-current autofocus', html)


def test_the_focused_actor_is_marked_in_the_sentence_text(client, db):
    first, second, *_ = mention_ids(db)
    html = client.get(f"/review/{FIRST}?focus=1").get_data(as_text=True)
    marks = re.findall(r'<mark [^>]*data-mention="(\d+)"[^>]*>', html)
    current = re.findall(r'<mark [^>]*data-mention="(\d+)"[^>]*aria-current="true"', html)
    assert len(marks) >= 2 and current == [str(second)]
    assert re.search(rf'<li [^>]*id="mention-{second}"[^>]*data-mention="{second}"', html)


def review_keys(html: str) -> set[str]:
    """Every key a control of the review card answers to."""
    return {key for keys in re.findall(r'data-key="([^"]+)"', html) for key in keys.split()}


def test_every_key_of_the_review_card_is_in_the_legend_and_the_readme(client):
    html = client.get(f"/review/{FIRST}").get_data(as_text=True)
    keys = review_keys(html)
    assert "x" in keys  # Fix actor
    legend = html.split('class="legend"', 1)[1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## Reviewing", 1)[1]
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `"))
    for key in keys:
        assert f"<kbd>{key}</kbd>" in legend, key
        assert f"`{key}`" in table, key
    assert re.search(r'<summary data-key="x"[^>]*>Fix actor <kbd>x</kbd>', html)


def test_label_buttons_stay_in_the_tab_order_for_pages_without_script(client):
    """Without script, Tab must reach them (keys.js takes them out where number keys work)."""
    html = client.get(f"/review/{FIRST}").get_data(as_text=True)
    buttons = re.findall(r"<button [^>]*label-button[^>]*>", html)
    summaries = re.findall(r"<summary[^>]*>", html)
    assert buttons and summaries
    assert not [tag for tag in buttons + summaries if 'tabindex="-1"' in tag]


def test_htmx_never_writes_an_inline_style_and_the_favicon_is_served(client):
    html = client.get("/review").get_data(as_text=True)
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)[1])
    assert config["includeIndicatorStyles"] is False
    assert "style" not in config["attributesToSettle"]
    icon = re.search(r'<link rel="icon" [^>]*href="([^"]+)"', html)[1]
    assert client.get(icon).status_code == 200
