"""The keyboard flow in a real browser: Debian's Chromium driven by Playwright."""

import contextlib
import json
import os
import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from annotator import create_app
from annotator.ingest import import_file
from annotator.models import load_model
from annotator.prelabel import prelabel
from annotator.store.database import open_database, project_scheme

from .conftest import PASSWORD, SEED, add_user

CHROMIUM = "/usr/bin/chromium"
FIRST = "putin-visits-north-korea-and-vietnam:0"

pytestmark = pytest.mark.browser
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    pytestmark = [pytest.mark.browser, pytest.mark.skip(reason=f"{CHROMIUM} is not installed")]


@pytest.fixture
def server(db_path, db):
    """The demo data (seed article pre-labelled by the offline default) behind a real server."""
    scheme = project_scheme(db)
    import_file(db, SEED, "auto", scheme.label_names)
    prelabel(db, load_model("embedding"), scheme)
    app = create_app({"DB": str(db_path), "SECRET_KEY": "browser-test"})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        blocked = []  # the content security policy must never have to block anything
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and blocked.append(message.text)
            ),
        )
        yield page
        browser.close()
        assert blocked == []


# Predicates are functions, never bare expressions: Playwright polls an expression with
# eval(), which the content security policy rightly blocks.


# While focus moves, the active element may be one without a label: keep polling then.
FOCUSED_LABEL_STARTS = "w => (document.activeElement.ariaLabel || '').startsWith(w)"


def wait_for_location(page, contains: str, present: bool = True) -> None:
    """Wait for htmx's pushed URL; Playwright's page.url can lag behind pushState."""
    check = "s => location.href.includes(s)" if present else "s => !location.href.includes(s)"
    page.wait_for_function(check, arg=contains)


def sign_in(page, url: str, name: str, db_path) -> None:
    """Open `url`, sign in as `name` (an admin, created if new) and land on `url`."""
    add_user(db_path, name)
    page.goto(url)
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")


def start_review(page, url: str, name: str, db_path) -> None:
    """Sign in on the way to `url`; wait until the review card and htmx are ready."""
    sign_in(page, url, name, db_path)
    page.wait_for_selector("#review .mention")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


@contextlib.contextmanager
def running_worker(db_path):
    """`annotator worker` in a child process for as long as the block runs."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", "worker", "--db", str(db_path)]
    )
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def labels(db_path, sentence_id):
    db = open_database(db_path)
    rows = list(
        db.query(
            """select m.id, a.label, a.status from mentions m
           left join annotations a on a.mention_id = m.id and a.annotator = 'ana'
           where m.sentence_id = ? order by m.start""",
            [sentence_id],
        )
    )
    reviewed = db.table("reviews").count
    db.close()
    return rows, reviewed


def test_keyboard_review_press_2_enter_u(server, page, db_path):
    start_review(page, f"{server}/review", "ana", db_path)
    assert page.evaluate("location.pathname") == "/review"
    first_id = page.evaluate("document.activeElement.id")
    assert first_id.startswith("mention-")

    page.keyboard.press("2")
    page.wait_for_selector(f"#{first_id} .label-button.against.chosen")
    # Focus moves on to the next actor.
    page.wait_for_function(
        "id => document.activeElement.id.startsWith('mention-')"
        " && document.activeElement.id !== id",
        arg=first_id,
    )
    rows, reviewed = labels(db_path, FIRST)
    assert rows[0]["label"] == "against" and reviewed == 0

    page.keyboard.press("Enter")
    wait_for_location(page, FIRST, present=False)
    page.wait_for_selector("#progress strong:text('1')")
    rows, reviewed = labels(db_path, FIRST)
    assert reviewed == 1 and all(row["label"] for row in rows)
    assert [row["status"] for row in rows[1:]] == ["accepted"] * (len(rows) - 1)

    page.keyboard.press("u")
    wait_for_location(page, f"/review/{FIRST}")
    page.wait_for_selector("#progress strong:text('0')")
    assert page.locator(f"#{first_id} .label-button.against.chosen").count() == 1
    assert page.locator("#review .label-button.chosen").count() == 1
    rows, reviewed = labels(db_path, FIRST)
    assert rows[0]["label"] == "against" and reviewed == 0
    assert all(row["label"] is None for row in rows[1:])
    assert page.locator(".legend").inner_text().count("undo") == 1


def test_one_key_per_decision_with_auto_advance_and_a(server, page, db_path):
    start_review(page, f"{server}/review", "ben", db_path)
    count = page.locator("#review .mention").count()
    for _ in range(count):  # one key per actor; the last one saves the sentence
        page.keyboard.press("3")
    wait_for_location(page, FIRST, present=False)
    page.wait_for_selector("#progress strong:text('1')")
    second = page.evaluate("location.pathname").rsplit("/", 1)[-1]
    page.keyboard.press("a")  # accept every remaining pre-label of the second sentence
    wait_for_location(page, second, present=False)
    page.wait_for_selector("#progress strong:text('2')")
    db = open_database(db_path)
    statuses = [
        row["label"]
        for row in db.query(
            "select a.label from annotations a join mentions m on m.id = a.mention_id "
            "where a.annotator = 'ben' and m.sentence_id = ?",
            [FIRST],
        )
    ]
    db.close()
    assert statuses == ["neutral"] * count


def test_tab_between_actors_and_flag_from_the_keyboard(server, page, db_path):
    start_review(page, f"{server}/review", "cleo", db_path)
    first = page.evaluate("document.activeElement.id")
    page.keyboard.press("Tab")  # Tab moves between actors, nothing in between
    second = page.evaluate("document.activeElement.id")
    assert second.startswith("mention-") and second != first
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == first
    page.keyboard.press("f")
    page.wait_for_selector("form#flag-panel input[type=radio]:focus")
    page.keyboard.press("Space")  # choose the first reason
    page.keyboard.press("Enter")  # submit the flag
    page.wait_for_selector(".badge.flagged")
    db = open_database(db_path)
    [row] = db.table("flags").rows
    db.close()
    assert (row["annotator"], row["reason"], row["sentence_id"]) == ("cleo", "sarcasm", FIRST)


def test_actor_merge_and_undo_in_the_browser(server, page, db_path):
    sign_in(page, f"{server}/actors", "gus", db_path)
    page.fill("#source", "Moscow")
    page.fill("#target", "Russia")
    page.click("text=Merge everywhere")
    page.wait_for_selector("text=Moscow → Russia")
    db = open_database(db_path)
    names = {
        r["name"]
        for r in db.query(
            "select distinct ac.name from actors ac join mentions m on m.actor_id = ac.id"
        )
    }
    db.close()
    assert "Moscow" not in names and "Russia" in names
    page.click("li:has-text('Moscow → Russia') button")
    page.wait_for_selector("text=Merge undone.")
    db = open_database(db_path)
    moscow = db.execute(
        "select count(*) from mentions m join actors ac on ac.id = m.actor_id "
        "where ac.name = 'Moscow'"
    ).fetchone()[0]
    db.close()
    assert moscow > 0


def test_an_import_job_reports_progress_and_finishes_in_the_page(server, page, db_path, tmp_path):
    """Upload, follow the queued job, start a worker: the page updates itself to done."""
    upload = tmp_path / "summits.jsonl"
    articles = [
        {"title": f"Summit {n}", "text": f"Angela Merkel met Emmanuel Macron in city {n}."}
        for n in range(5)
    ]
    upload.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    start_review(page, f"{server}/review", "ana", db_path)
    page.goto(f"{server}/imports/new")
    page.set_input_files("#file", str(upload))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector(".job.queued")
    page.evaluate("window.stillTheSamePage = true")
    assert page.locator(".job progress").count() == 1

    with running_worker(db_path):
        page.wait_for_selector(".job.done", timeout=120_000)
    text = page.inner_text(".job")
    assert "imported 5 documents" in text
    assert page.evaluate("window.stillTheSamePage") is True
    db = open_database(db_path)
    assert db.table("documents").count_where("title like 'Summit %'") == 5
    job = next(db.query("select * from jobs where kind = 'import' order by id desc"))
    summit_mentions = db.execute(
        "select count(*) from mentions m join sentences s on s.id = m.sentence_id"
        " join documents d on d.id = s.document_id where d.title like 'Summit %'"
    ).fetchone()[0]
    db.close()
    assert job["status"] == "done" and job["done"] == job["total"] == summit_mentions == 10
    assert "done" in text and "10 / 10 mentions" in text  # its last step: pre-labelling


def test_a_file_over_the_upload_limit_is_refused_when_chosen(server, page, problems, db_path):
    """The server cuts off an upload over its limit (the browser would only report a reset
    connection): the file is refused as soon as it is chosen, naming the limit, and Import
    sends nothing."""
    start_review(page, f"{server}/review", "ana", db_path)
    page.goto(f"{server}/imports/new")
    big = {"name": "huge.txt", "mimeType": "text/plain", "buffer": b"x" * (17 * 1024 * 1024)}
    page.set_input_files("#file", big)
    message = page.evaluate("document.getElementById('file').validationMessage")
    assert message == "huge.txt is 17 MiB: too large for the 16 MiB limit of an upload."
    just_under = {**big, "name": "near.txt", "buffer": b"x" * (16 * 1024 * 1024 - 100)}
    page.set_input_files("#file", just_under)  # the form around it would pass the limit
    message = page.evaluate("document.getElementById('file').validationMessage")
    assert message == "near.txt is 16 MiB: too large for the 16 MiB limit of an upload."
    page.set_input_files("#file", big)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.focus("#import-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert not any("/imports/new" in url for url in requests)
    small = {"name": "fine.txt", "mimeType": "text/plain", "buffer": b"Merkel met Macron."}
    page.set_input_files("#file", small)  # another choice clears the refusal
    assert page.evaluate("document.getElementById('file').validity.valid")
    assert problems == []


SELECT_WORDS = """(words) => {
    const sentence = document.getElementById("sentence-text");
    const walker = document.createTreeWalker(sentence, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const at = node.textContent.indexOf(words);
        if (at >= 0 && !node.parentElement.closest("mark")) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
            return true;
        }
    }
    return false;
}"""


def test_select_words_to_add_a_missed_actor_then_label_it(server, page, db_path):
    db = open_database(db_path)
    text = db.table("sentences").get(FIRST)["text"]
    spans = [
        (m["start"], m["end"]) for m in db.table("mentions").rows_where("sentence_id = ?", [FIRST])
    ]
    db.close()
    words = next(
        w
        for w in text.split()
        if w.isalpha()
        and len(w) > 3
        and text.count(w) == 1
        and not any(s <= text.index(w) < e for s, e in spans)
    )
    start_review(page, f"{server}/review", "dan", db_path)
    assert page.evaluate(SELECT_WORDS, words)
    page.wait_for_selector("#add-mention[open] input[name=actor]:focus")
    page.keyboard.type("Someone New")
    page.keyboard.press("Enter")
    page.wait_for_selector(".actor-name:text-is('Someone New')")
    page.wait_for_function(  # htmx focuses the new mention once the swap has settled
        "() => (document.activeElement.getAttribute('aria-label') || '').startsWith('Someone New')"
    )
    page.keyboard.press("2")
    page.wait_for_selector("li[aria-label='Someone New: against']")
    db = open_database(db_path)
    row = next(
        db.query(
            """select m.start, m.text, a.label from mentions m join actors ac on ac.id = m.actor_id
           join annotations a on a.mention_id = m.id and a.annotator = 'dan'
           where ac.name = 'Someone New'"""
        )
    )
    db.close()
    assert (row["start"], row["text"], row["label"]) == (text.index(words), words, "against")


def test_the_overall_question_takes_one_key_after_the_actors(server, page, db_path):
    from annotator.store.overall import set_question

    db = open_database(db_path)
    set_question(db, True)
    db.close()
    start_review(page, f"{server}/review", "eve", db_path)
    page.keyboard.press("a")  # accept every actor's pre-label: the question is next
    page.wait_for_selector("#overall[data-current]")
    page.wait_for_function(
        "() => document.activeElement.id === 'overall'"
    )  # focus follows the swap
    page.keyboard.press("2")  # negative, and the sentence is saved
    wait_for_location(page, FIRST, present=False)
    db = open_database(db_path)
    answer = db.table("sentence_labels").get((FIRST, "eve"))["label"]
    status = db.table("reviews").get((FIRST, "eve"))["status"]
    db.close()
    assert (answer, status) == ("negative", "done")


def test_skip_then_undo_twice_walks_back_across_sentences(server, page, db_path):
    start_review(page, f"{server}/review", "fay", db_path)
    page.keyboard.press("a")  # accept the first sentence
    page.wait_for_selector("#progress strong:text('1')")
    second = page.evaluate("location.pathname").rsplit("/", 1)[-1]
    assert second != FIRST and ":" in second
    page.keyboard.press("s")  # skip the second: it goes to the end of the queue
    wait_for_location(page, second, present=False)
    page.keyboard.press("u")  # undo the skip
    wait_for_location(page, f"/review/{second}")
    page.keyboard.press("u")  # undo the accept, one sentence further back
    wait_for_location(page, f"/review/{FIRST}")
    page.wait_for_selector("#progress strong:text('0')")
    db = open_database(db_path)
    left = db.execute("select count(*) from reviews where annotator = 'fay'").fetchone()[0]
    labelled = db.execute("select count(*) from annotations where annotator = 'fay'").fetchone()[0]
    db.close()
    assert (left, labelled) == (0, 0)


def test_a_lead_adjudicates_from_the_keyboard(server, page, db_path):
    from annotator.store import assignments, review

    db = open_database(db_path)
    assignments.set_overlap(db, 2)  # ana and ben both hold the first sentence
    labels = project_scheme(db).label_names
    mentions = [
        r["id"]
        for r in db.query("select id from mentions where sentence_id = ? order by start", [FIRST])
    ]
    for mention in mentions:  # ana and ben disagree on every actor of the first sentence
        review.record_label(db, "ana", mention, labels[0], labels)
        review.record_label(db, "ben", mention, labels[1], labels)
    db.close()
    add_user(db_path, "lea", "lead")
    page.goto(f"{server}/adjudicate")
    page.fill("#username", "lea")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#adjudication .mention[data-current]")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    assert "Adjudicate" in page.inner_text("nav") and "Users" not in page.inner_text("nav")
    for _ in mentions:
        page.keyboard.press("3")  # neither ana's nor ben's label: the lead's own call
    page.wait_for_selector("text=Nothing to adjudicate")
    db = open_database(db_path)
    rows = list(db.query("select label, adjudicator from adjudications"))
    db.close()
    assert rows == [{"label": labels[2], "adjudicator": "lea"}] * len(mentions)
    page.goto(f"{server}/adjudicate/{FIRST}")  # back to it: u reopens the focused decision
    page.wait_for_selector("#adjudication .mention[data-current]:focus")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    page.keyboard.press("u")
    page.wait_for_selector(f"#adjudicate-{mentions[0]} .status:text-is('disputed')")
    db = open_database(db_path)
    assert db.table("adjudications").count == len(mentions) - 1
    db.close()


def test_an_admin_sets_up_overlap_and_anchoring_then_stats_show_agreement(server, page, db_path):
    from annotator.store import assignments, review
    from annotator.store.anchoring import prelabels_hidden

    sign_in(page, f"{server}/settings", "ada", db_path)
    page.fill("#overlap", "2")
    page.fill("#hidden_share", "0.5")
    page.click("form button.primary")
    page.wait_for_selector("text=Settings saved.")
    db = open_database(db_path)
    assert assignments.overlap(db) == 2
    hidden = next(
        row["id"]
        for row in db.query("select distinct sentence_id as id from mentions")
        if prelabels_hidden(db, row["id"], "ada")
    )
    labels = project_scheme(db).label_names
    mentions = list(db.query("select id from mentions where sentence_id = ?", [FIRST]))
    for name, label in (("ben", labels[0]), ("cleo", labels[1])):
        for mention in mentions:
            review.record_label(db, name, mention["id"], label, labels)
    db.close()
    page.goto(f"{server}/review/{hidden}")
    page.wait_for_selector("text=pre-label hidden")
    assert page.locator(".prelabel .score").count() == 0
    page.goto(f"{server}/stats")
    agreement = page.inner_text("#agreement")
    assert "Krippendorff" in agreement and "ben × cleo" in agreement


def free_words(db_path, sentence_id, count):
    """Words of the sentence that occur once and that no mention covers yet."""
    db = open_database(db_path)
    text = db.table("sentences").get(sentence_id)["text"]
    spans = [
        (m["start"], m["end"])
        for m in db.table("mentions").rows_where("sentence_id = ?", [sentence_id])
    ]
    db.close()
    words = [
        w
        for w in text.split()
        if w.isalpha()
        and len(w) > 3
        and text.count(w) == 1
        and not any(s <= text.index(w) < e for s, e in spans)
    ]
    return words[:count]


def nothing_labelled(db_path, name):
    """Whether `name` has neither labelled an actor nor finished a sentence."""
    db = open_database(db_path)
    labelled = db.table("annotations").count_where("annotator = ?", [name])
    reviewed = db.table("reviews").count_where("annotator = ? and status = 'done'", [name])
    db.close()
    return (labelled, reviewed) == (0, 0)


def test_a_panel_key_typed_fast_never_lets_enter_accept(server, page, db_path):
    """`f` then Enter at once, and the same typed while a label is still being saved: Enter
    belongs to the flag panel (or is dropped), never to "accept the sentence"."""
    page.set_default_timeout(8000)
    start_review(page, f"{server}/review", "fay", db_path)
    page.keyboard.press("f")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    assert nothing_labelled(db_path, "fay")
    page.goto(f"{server}/review/{FIRST}")
    page.wait_for_selector("#review .mention")
    page.keyboard.press("1")  # saved by a request; the next keys wait in the queue
    page.keyboard.press("f")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    db = open_database(db_path)
    labelled = db.table("annotations").count_where("annotator = 'fay'")
    reviewed = db.table("reviews").count_where("annotator = 'fay' and status = 'done'")
    db.close()
    assert (labelled, reviewed) == (1, 0)


def test_enter_and_space_in_a_panel_do_that_panel_s_action(server, page, db_path):
    """Tab to a panel's button and press Enter or Space: the flag is stored, the actor added or
    fixed, and no sentence is accepted on the way."""
    page.set_default_timeout(8000)
    start_review(page, f"{server}/review", "hal", db_path)
    for key, downs, comment, reason in (
        ("Enter", 1, "unsure", "reported speech"),
        ("Space", 2, "unsure too", "implicit target"),
    ):
        page.keyboard.press("f")
        page.wait_for_selector("form#flag-panel input[type=radio]:focus")
        for _ in range(downs):
            page.keyboard.press("ArrowDown")  # the next reason
        page.keyboard.press("Tab")
        page.keyboard.press("Control+A")  # the comment, retyped
        page.keyboard.type(comment)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Flag"
        page.keyboard.press(key)
        page.wait_for_selector(f".badge.flagged:text('flagged: {reason}')")
        db = open_database(db_path)
        [row] = db.table("flags").rows_where("annotator = 'hal'")
        db.close()
        assert (row["reason"], row["comment"], row["sentence_id"]) == (reason, comment, FIRST)
        assert nothing_labelled(db_path, "hal")

    for key, words in zip(("Enter", "Space"), free_words(db_path, FIRST, 2)):
        page.keyboard.press("m")
        page.wait_for_selector("#add-mention[open] input[name=text]:focus")
        page.keyboard.type(words)
        page.keyboard.press("Tab")  # the actor's name: empty means the words themselves
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Add"
        page.keyboard.press(key)
        page.wait_for_selector(f".actor-name:text-is('{words}')")
        page.wait_for_function(FOCUSED_LABEL_STARTS, arg=words)
        db = open_database(db_path)
        assert db.table("mentions").count_where("sentence_id = ? and text = ?", [FIRST, words])
        db.close()
        assert nothing_labelled(db_path, "hal")

    # Fix the focused actor: x opens its panel with the name selected, ready to retype.
    page.keyboard.press("x")
    page.wait_for_selector("li.mention:focus-within details.fix[open] input[name=actor]:focus")
    page.keyboard.type("Somebody Else")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Move"
    page.keyboard.press("Enter")
    page.wait_for_selector(".actor-name:text-is('Somebody Else')")
    page.wait_for_function(FOCUSED_LABEL_STARTS, arg="Somebody Else")
    assert nothing_labelled(db_path, "hal")
    page.keyboard.press("x")
    page.wait_for_selector("details.fix[open] input[name=actor]:focus")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Not an actor")
    page.keyboard.press("Space")
    page.wait_for_selector(".actor-name:text-is('Somebody Else')", state="detached")
    db = open_database(db_path)
    gone = not db.execute(
        "select 1 from mentions m join actors a on a.id = m.actor_id where a.name = 'Somebody Else'"
    ).fetchone()
    db.close()
    assert gone
    assert nothing_labelled(db_path, "hal")


def test_without_javascript_label_buttons_take_enter_and_space(server, db_path):
    """Without scripts, Tab reaches an actor's label buttons; Enter or Space posts the label and
    the page comes back focused on the next actor."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(java_script_enabled=False)
        page.set_default_timeout(8000)
        sign_in(page, f"{server}/review", "ana", db_path)
        page.wait_for_selector("#review .mention:focus")
        first = page.evaluate("document.activeElement.id")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('li').id") == first
        assert page.evaluate("document.activeElement.value") == "favor"
        page.keyboard.press("Tab")  # against
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/review/{FIRST}?focus=1")
        second = page.evaluate("document.activeElement.id")
        assert second.startswith("mention-") and second != first
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # favor
        page.wait_for_url(f"**/review/{FIRST}?focus=2")
        browser.close()
    rows, reviewed = labels(db_path, FIRST)
    rows = [row["label"] for row in rows]
    assert rows[:2] == ["against", "favor"] and reviewed == 0


@pytest.fixture
def problems(page):
    """Everything a page may complain about: console errors, script errors, failed requests."""
    found = []
    page.on("console", lambda m: m.type == "error" and found.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: found.append(f"pageerror: {error}"))
    page.on(  # a request cut short by leaving the page (ERR_ABORTED) is no failure
        "requestfailed",
        lambda r: "ERR_ABORTED" not in r.failure and found.append(f"failed: {r.url} {r.failure}"),
    )
    page.on("response", lambda r: r.status >= 400 and found.append(f"{r.status}: {r.url}"))
    return found


def current_marks(page) -> list[str]:
    """The mentions marked as focused in the sentence text."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('#sentence-text mark[aria-current=true]'),"
        " m => m.dataset.mention)"
    )


def focused_mention(page) -> str:
    return page.evaluate("document.activeElement.dataset.mention")


def test_a_keyboard_review_session_logs_no_console_error(server, page, problems, db_path):
    """Every panel, undo, skip, accept and the overall question, then search and stats: the
    focused actor is marked in the sentence, undo brings focus back, and nothing complains."""
    from annotator.store.overall import set_question

    db = open_database(db_path)
    set_question(db, True)
    db.close()
    page.set_default_timeout(8000)
    start_review(page, f"{server}/review", "ivy", db_path)
    first = focused_mention(page)
    assert current_marks(page) == [first]
    page.keyboard.press("Tab")
    second = focused_mention(page)
    assert second != first and current_marks(page) == [second]
    page.keyboard.press("Shift+Tab")
    assert current_marks(page) == [first]

    page.keyboard.press("3")  # first actor, then focus moves on to the second
    page.wait_for_function("id => document.activeElement.dataset.mention === id", arg=second)
    page.keyboard.press("3")
    page.wait_for_function("id => document.activeElement.dataset.mention !== id", arg=second)
    page.keyboard.press("u")  # undo the second actor's label: focus goes back to it
    page.wait_for_selector(f"#mention-{second}:not(:has(.chosen))")
    page.wait_for_function("id => document.activeElement.dataset.mention === id", arg=second)
    assert current_marks(page) == [second]

    page.keyboard.press("f")
    page.wait_for_selector("form#flag-panel input[type=radio]:focus")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_selector(".badge.flagged")
    [words] = free_words(db_path, FIRST, 1)
    page.keyboard.press("m")
    page.wait_for_selector("#add-mention[open] input[name=text]:focus")
    page.keyboard.type(words)
    page.keyboard.press("Enter")
    page.wait_for_selector(f".actor-name:text-is('{words}')")
    page.keyboard.press("x")
    page.wait_for_selector("details.fix[open] input[name=actor]:focus")
    page.keyboard.type("Someone")
    page.keyboard.press("Enter")
    page.wait_for_selector(".actor-name:text-is('Someone')")
    page.keyboard.press("u")  # the fix, undone
    page.wait_for_selector(f".actor-name:text-is('{words}')")
    page.keyboard.press("u")  # the addition, undone
    page.wait_for_selector(f".actor-name:text-is('{words}')", state="detached")

    page.keyboard.press("a")  # accept the rest: the overall question is next
    page.wait_for_function("() => document.activeElement.id === 'overall'")
    page.keyboard.press("2")
    wait_for_location(page, FIRST, present=False)
    page.wait_for_selector("#progress strong:text('1')")
    second_sentence = page.evaluate("location.pathname")
    page.keyboard.press("s")
    wait_for_location(page, second_sentence, present=False)
    page.keyboard.press("u")
    wait_for_location(page, second_sentence)

    page.goto(f"{server}/search")
    page.wait_for_selector("#text:focus")
    page.keyboard.type("Putin")  # results update as one types
    wait_for_location(page, "text=Putin")
    page.goto(f"{server}/stats")
    page.wait_for_selector("svg")
    page.goto(f"{server}/review")
    page.wait_for_selector("#review .mention")
    assert problems == []


# WCAG 2 contrast of every visible piece of text against the colours actually behind it
# (backgrounds blended up the tree, opacity included); SVG text is read by its fill.
LOW_CONTRAST = """() => {
    function parse(value) {
        let m = value.match(/rgba?\\(([^)]+)\\)/);
        if (m) {
            const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
            return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
        }
        m = value.match(/color\\(srgb ([^)]+)\\)/);
        if (m) {
            const p = m[1].split(/[\\s\\/]+/).filter(Boolean).map(Number);
            return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
        }
        return null;
    }
    const over = (top, below) =>
        [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3])).concat([1]);
    function background(element) {
        const layers = [];
        for (let e = element; e; e = e.parentElement) {
            const colour = parse(getComputedStyle(e).backgroundColor);
            if (colour && colour[3] > 0) {
                layers.push(colour);
                if (colour[3] >= 1) break;
            }
        }
        return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
    }
    function opacity(element) {
        let value = 1;
        for (let e = element; e; e = e.parentElement) value *= Number(getComputedStyle(e).opacity);
        return value;
    }
    function luminance(c) {
        const [r, g, b] = c.slice(0, 3).map(v => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    }
    const failures = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!node.textContent.trim() || seen.has(element)) continue;
        seen.add(element);
        const style = getComputedStyle(element);
        if (!element.getClientRects().length || style.visibility !== "visible") continue;
        if (element.closest("title, option, noscript")) continue;
        const svg = element instanceof SVGElement;
        const colour = parse(svg ? style.fill : style.color);
        if (!colour) continue;
        colour[3] *= opacity(element);
        const behind = background(element);
        const [a, b] = [luminance(over(colour, behind)), luminance(behind)];
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) {
            const name = element.className.baseVal ?? element.className;
            const text = node.textContent.trim().slice(0, 30);
            const tag = element.tagName.toLowerCase();
            failures.push(`${tag}.${name} "${text}" ${ratio.toFixed(2)}:1`);
        }
    }
    return failures;
}"""


def test_all_text_meets_wcag_aa_contrast(server, page, db_path):
    """Normal text at 4.5:1 at least and large text at 3:1, on the pages people read most,
    panels open, labels of every kind shown."""
    from annotator.store import review
    from annotator.store.flags import flag_sentence

    db = open_database(db_path)
    names = project_scheme(db).label_names
    mentions = [r["id"] for r in db.query("select id from mentions where sentence_id = ?", [FIRST])]
    for mention, label in zip(mentions[:-1], names * len(mentions)):  # leave one open
        review.record_label(db, "joy", mention, label, names)
    flag_sentence(db, "joy", FIRST, "sarcasm", "a comment")
    db.close()
    start_review(page, f"{server}/review/{FIRST}", "joy", db_path)
    page.keyboard.press("f")
    page.wait_for_selector("form#flag-panel input[type=radio]:focus")
    page.click("text=Add a missed actor")
    page.click(".mention summary")
    failures = {"review": page.evaluate(LOW_CONTRAST)}
    pages = ["/documents", "/search?text=Putin", "/stats", "/actors", "/models", "/flags"]
    pages += ["/jobs", "/adjudicate", f"/documents/{FIRST.split(':')[0]}"]
    for path in pages:
        page.goto(f"{server}{path}")
        failures[path] = page.evaluate(LOW_CONTRAST)
    assert {path: found for path, found in failures.items() if found} == {}


def test_a_refused_key_press_says_why_in_the_page(server, page, db_path):
    start_review(page, f"{server}/review", "ana", db_path)
    assert page.is_hidden("#request-error")
    page.evaluate(  # tokens the server no longer accepts, as after a restart with a new key
        """() => {
            document.body.setAttribute('hx-headers', JSON.stringify({'X-CSRFToken': 'stale'}));
            for (const field of document.querySelectorAll('input[name=csrf_token]')) {
                field.value = 'stale';
            }
        }"""
    )
    page.keyboard.press("1")
    page.wait_for_selector("#request-error:not([hidden])")
    assert "CSRF" in page.inner_text("#request-error")
    assert "reload" in page.inner_text("#request-error")
    rows, _ = labels(db_path, FIRST)
    assert all(row["label"] is None for row in rows) or rows == []


def test_escape_closes_a_panel_and_gives_the_keys_back(server, page, problems, db_path):
    """Escape in Fix actor, Add a missed actor and Flag: the panel closes unsent, focus is back
    on the actor, and the next key labels that actor."""
    page.set_default_timeout(8000)
    start_review(page, f"{server}/review", "joe", db_path)
    first = focused_mention(page)
    name = page.text_content(f"#mention-{first} .actor-name")

    page.keyboard.press("x")
    page.wait_for_selector(f"#mention-{first} details.fix[open] input[name=actor]:focus")
    page.keyboard.type("Somebody Else")
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#mention-{first} details.fix:not([open])")
    assert focused_mention(page) == first

    page.keyboard.press("m")
    page.wait_for_selector("#add-mention[open] input[name=text]:focus")
    page.keyboard.type("words")
    page.keyboard.press("Escape")
    page.wait_for_selector("#add-mention:not([open])")
    assert focused_mention(page) == first

    page.keyboard.press("f")
    page.wait_for_selector("form#flag-panel input[type=radio]:focus")
    page.keyboard.press("Escape")
    page.wait_for_selector("#flag-details:not([open])")
    assert focused_mention(page) == first

    page.keyboard.press("2")
    page.wait_for_selector(f"#mention-{first} .chosen")
    db = open_database(db_path)
    assert db.table("flags").count_where("annotator = 'joe'") == 0
    [row] = db.query(
        "select a.label, actors.name from annotations a join mentions m on m.id = a.mention_id"
        " join actors on actors.id = m.actor_id where a.annotator = 'joe'"
    )
    db.close()
    assert row["name"] == name and row["label"] is not None
    assert problems == []


def the_flag_of(db_path, annotator: str) -> dict:
    """The one flag the annotator has set."""
    db = open_database(db_path)
    [row] = db.table("flags").rows_where("annotator = ?", [annotator])
    db.close()
    return row


def add_missed_actor_by_keys(page, words: str) -> None:
    """m, the words typed into the panel, Enter."""
    page.keyboard.press("m")
    page.wait_for_selector("#add-mention[open] input[name=text]:focus")
    page.keyboard.type(words)
    page.keyboard.press("Enter")


def test_a_refused_missed_actor_keeps_its_words_to_correct(server, page, problems, db_path):
    """m, words that are not in the sentence, Enter: the panel stays open with the words in it,
    the reason beside them and the focus on them; retyped, Enter adds the actor."""
    page.set_default_timeout(8000)
    start_review(page, f"{server}/review", "kim", db_path)
    [words] = free_words(db_path, FIRST, 1)
    add_missed_actor_by_keys(page, "Atlantis")  # not in the sentence: refused
    page.wait_for_selector("#add-mention-error")
    page.wait_for_selector("#add-mention[open] input[name=text][aria-invalid=true]:focus")
    assert page.input_value("#add-mention input[name=text]") == "Atlantis"
    assert "Atlantis" in page.text_content("#add-mention-error")
    page.keyboard.press("Control+A")
    page.keyboard.type(words)
    page.keyboard.press("Enter")
    page.wait_for_selector(f".actor-name:text-is('{words}')")
    page.wait_for_function(FOCUSED_LABEL_STARTS, arg=words)
    assert page.query_selector("#add-mention-error") is None
    assert nothing_labelled(db_path, "kim")
    assert problems == []


def test_escape_and_cancel_drop_what_a_panel_held(server, page, problems, db_path):
    """A refused missed actor, then Escape: m opens a clean panel. A flag comment typed, then
    Cancel: f opens the panel as stored, and a flag sent later carries only its own words."""
    page.set_default_timeout(8000)
    start_review(page, f"{server}/review", "kim", db_path)
    add_missed_actor_by_keys(page, "Atlantis")  # not in the sentence: refused
    page.wait_for_selector("#add-mention-error")
    page.keyboard.press("Escape")
    page.keyboard.press("m")
    page.wait_for_selector("#add-mention[open] input[name=text]:focus")
    assert page.query_selector("#add-mention-error") is None
    assert page.input_value("#add-mention input[name=text]") == ""
    assert page.get_attribute("#add-mention input[name=text]", "aria-invalid") is None
    page.keyboard.press("Escape")
    page.keyboard.press("f")
    page.wait_for_selector("#flag-details[open] input[type=radio]:focus")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("draft")
    for key in ("Tab", "Tab", "Enter"):  # Flag, Cancel, pressed
        page.keyboard.press(key)
    page.wait_for_selector("#flag-details:not([open])", state="attached")
    page.keyboard.press("f")
    page.wait_for_selector("#flag-details[open] input[type=radio]:focus")
    assert page.input_value("#flag-details textarea[name=comment]") == ""
    assert page.evaluate("!document.querySelector('#flag-details input[type=radio]:checked')")
    for key in ("ArrowDown", "Tab"):
        page.keyboard.press(key)
    page.keyboard.type("kept")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".badge.flagged")
    assert the_flag_of(db_path, "kim")["comment"] == "kept"
    assert problems == []


def test_keys_typed_right_after_f_land_in_the_flag_panel(server, page, problems, db_path):
    """f, then at once ArrowDown, Tab, a comment, Tab and Enter, with no pause for the panel:
    the panel is part of the card, so none of these keys goes anywhere else."""
    page.set_default_timeout(8000)
    start_review(page, f"{server}/review", "liv", db_path)
    for key in ("f", "ArrowDown", "Tab"):
        page.keyboard.press(key)
    page.keyboard.type("unsure")  # u and s are shortcuts outside the panel
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".badge.flagged:text('flagged: reported speech')")
    row = the_flag_of(db_path, "liv")
    assert (row["reason"], row["comment"], row["sentence_id"]) == (
        "reported speech",
        "unsure",
        FIRST,
    )
    assert nothing_labelled(db_path, "liv")
    page.keyboard.press("f")  # opened again, the panel shows the flag as it stands
    page.wait_for_selector("#flag-details[open] input[type=radio]:focus")
    assert page.input_value("#flag-details textarea[name=comment]") == "unsure"
    assert problems == []


def test_a_flag_without_a_reason_keeps_the_panel_and_cancel_closes_it(
    server, page, problems, db_path
):
    """Flag with no reason picked: the browser asks for one (the radios are required) and the
    panel stays open with the comment kept; Cancel (Enter on it, or a click) closes the panel
    and sends nothing. (A client that sends it anyway gets the card back with the panel open
    and the reason: tests/test_flags.py.)"""
    page.set_default_timeout(8000)
    start_review(page, f"{server}/review", "liv", db_path)
    page.keyboard.press("f")
    page.wait_for_selector("#flag-details[open] input[type=radio]:focus")
    page.keyboard.press("Tab")
    page.keyboard.type("not sure")
    page.keyboard.press("Tab")  # the Flag button
    page.keyboard.press("Enter")
    page.wait_for_selector("#flag-details[open] input[type=radio]:focus")
    assert page.input_value("#flag-details textarea[name=comment]").strip() == "not sure"
    assert page.locator("#review mark[data-mention]").count() > 0  # the card, not a bare form
    for key in ("Tab", "Tab", "Tab"):  # the comment, Flag, Cancel
        page.keyboard.press(key)
    assert page.evaluate("document.activeElement.hasAttribute('data-close-panel')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#flag-details:not([open])", state="attached")
    assert page.evaluate("!!document.activeElement.closest('[data-keyscope]')")
    page.keyboard.press("f")
    page.wait_for_selector("#flag-details[open]")
    page.click("#flag-details [data-close-panel]")
    page.wait_for_selector("#flag-details:not([open])", state="attached")
    db = open_database(db_path)
    assert db.table("flags").count == 0
    db.close()
    assert nothing_labelled(db_path, "liv")
    assert problems == []
