"""Accounts, roles and CSRF, checked on every endpoint of the URL map."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import jobs
from annotator.store.assignments import set_overlap
from annotator.store.overall import set_question
from annotator.store.users import UserError, authenticate, create_user, get_user_by_name, set_role

from .conftest import FIRST, HX, PASSWORD, add_user, decisions_state, signed_in

# Who may use each endpoint. A new endpoint fails the walk until it is listed here.
REQUIRED = {
    "auth.home": "annotator",
    "auth.logout": "annotator",
    "review.next_item": "annotator",
    "review.sentence": "annotator",
    "review.label": "annotator",
    "review.accept": "annotator",
    "review.overall": "annotator",
    "review.skip": "annotator",
    "review.undo": "annotator",
    "review.order": "annotator",
    "review.post_only": "annotator",
    "review.flag": "annotator",
    "mention_fixes.reassign": "annotator",
    "mention_fixes.remove": "annotator",
    "mention_fixes.add": "annotator",
    "review.flags": "lead",
    "actors.index": "lead",
    "actors.merge": "lead",
    "actors.undo": "lead",
    "adjudication.index": "lead",
    "adjudication.sentence": "lead",
    "adjudication.decide": "lead",
    "adjudication.undo": "lead",
    "documents.index": "lead",
    "documents.document": "lead",
    "documents.export": "lead",
    "evaluation.report": "lead",
    "evaluation.diff": "lead",
    "evaluation.requeue": "lead",
    "evaluation.train_now": "lead",
    "search.sentences": "lead",
    "stats.corpus": "lead",
    "imports.new": "admin",
    "job_pages.index": "lead",
    "job_pages.rerun": "admin",
    "job_pages.show": "lead",
    "job_pages.cancel": "admin",
    "project_settings.edit": "admin",
    "users.index": "admin",
    "users.add": "admin",
    "users.change": "admin",
}
ROLES = ["annotator", "lead", "admin"]
PUBLIC = {"static", "auth.login"}


def requests_of(app, db) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule, with real ids filled in.

    Built in full before any request is made: requests inside this function's request
    context would share its `g`, and with it the signed-in user.
    """
    mention = next(db.query("select id from mentions order by id limit 1"))["id"]
    values = {
        "sentence_id": FIRST,
        "mention_id": mention,
        "document_id": FIRST.split(":")[0],
        "job_id": jobs.create_job(db, "prelabel", {"model": "embedding"}),
        "user_id": 1,
        "merge_id": 1,
    }
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint in PUBLIC:
                continue
            url = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url))
    return found


def test_every_endpoint_has_a_declared_role(app):
    endpoints = set(app.view_functions) - PUBLIC
    assert endpoints == set(REQUIRED)


def test_anonymous_requests_are_sent_to_sign_in(app, db):
    client = app.test_client()
    for endpoint, method, url in requests_of(app, db):
        response = client.open(url, method=method)
        assert response.status_code == 303, (endpoint, method)
        if method == "GET":
            assert "/login?next=" in response.location, endpoint
        else:  # a post's URL cannot be opened after signing in
            assert response.location.endswith("/login"), endpoint
        response = client.open(url, method=method, headers=HX)
        assert response.status_code == 401 and "/login" in response.headers["HX-Redirect"]
    # a key pressed on a page whose session ended leads back to that page, not to the post
    page = {**HX, "HX-Current-URL": f"http://localhost/review/{FIRST}?x=1"}
    response = client.post("/review/undo", headers=page)
    assert response.headers["HX-Redirect"] == f"/login?next=/review/{FIRST}?x%3D1"


def test_each_role_gets_exactly_its_endpoints(app, db):
    set_overlap(db, len(ROLES))  # every role has a place on the sentence the walk acts on
    clients = {role: signed_in(app, f"user-{role}", role) for role in ROLES}
    for endpoint, method, url in requests_of(app, db):
        needed = ROLES.index(REQUIRED[endpoint])
        for rank, role in enumerate(ROLES):
            if endpoint == "auth.logout":
                continue  # it would end the session the walk goes on with
            response = clients[role].open(url, method=method)
            response.close()  # the export streams
            if rank < needed:
                assert response.status_code == 403, (endpoint, method, role)
            else:
                assert response.status_code != 403, (endpoint, method, role)
                assert "/login" not in (response.location or ""), (endpoint, role)


# Every request on one sentence, with data that is valid for the sentence's holder.
ON_A_SENTENCE = {
    ("review.sentence", "GET"): {},
    ("review.label", "POST"): {"label": "against"},
    ("review.accept", "POST"): {},
    ("review.overall", "POST"): {"label": "negative"},
    ("review.skip", "POST"): {},
    ("review.flag", "GET"): {},
    ("review.flag", "POST"): {"reason": "sarcasm", "comment": "mine"},
    ("mention_fixes.add", "POST"): {"text": "honor guard"},
    ("mention_fixes.reassign", "POST"): {"actor": "Somebody Else"},
    ("mention_fixes.remove", "POST"): {},
}
FIXING_ACTORS = {"mention_fixes.add", "mention_fixes.reassign", "mention_fixes.remove"}


def on_a_sentence(app, db) -> list[tuple[str, str, str, dict]]:
    """The walk's requests that name a sentence or a mention, removing the mention last."""
    found = [
        (endpoint, method, url, ON_A_SENTENCE[endpoint, method])
        for endpoint, method, url in requests_of(app, db)
        if (endpoint, method) in ON_A_SENTENCE
    ]
    assert {(e, m) for e, m, _, _ in found} == set(ON_A_SENTENCE)
    with app.test_request_context():
        from flask import current_app

        named = {
            rule.endpoint
            for rule in current_app.url_map.iter_rules()
            if rule.arguments & {"sentence_id", "mention_id"}
            and REQUIRED[rule.endpoint] == "annotator"
        }
    assert named == {e for e, _ in ON_A_SENTENCE}  # a new annotator route must be listed
    return sorted(found, key=lambda request: request[0] == "mention_fixes.remove")


def test_annotators_act_only_on_sentences_in_their_own_queue(app, db):
    set_question(db, True)  # every request there is, the overall question's too
    holder, other = signed_in(app, "hana", "annotator"), signed_in(app, "otto", "annotator")
    assert holder.get("/review").status_code == 200  # k = 1: FIRST is hana's now
    mention = next(db.query("select id from mentions order by id limit 1"))["id"]
    assert holder.post(f"/mentions/{mention}/label", data={"label": "favor"}).status_code == 303
    before = decisions_state(db)
    walk = on_a_sentence(app, db)
    words = db.table("sentences").get(FIRST)["text"][:40]
    bogus = ("mention_fixes.add", "POST", f"/sentences/{FIRST}/mentions", {"text": "zzzz"})
    for endpoint, method, url, data in [*walk, bogus]:
        for headers in ({}, HX):
            response = other.open(url, method=method, data=data, headers=headers)
            assert response.status_code == 403, (endpoint, method, headers)
            body = response.get_data(as_text=True)
            assert "is held by another annotator" in body and "not in your queue" in body, endpoint
            assert words not in body, endpoint  # nothing of the sentence is shown
            if headers:  # htmx swaps it in place of the card (responseHandling in base.html)
                assert 'id="review"' in body and "Back to your queue" in body
    assert decisions_state(db) == before
    assert before["annotations"][0]["annotator"] == "hana"
    for endpoint, method, url, data in walk:  # the same requests are the holder's to make
        response = holder.open(url, method=method, data=data)
        if endpoint == "review.accept":  # answered, refused for the sentence's own reason
            assert response.status_code == 409 and "label these actors first" in response.text
            continue
        assert response.status_code == (200 if method == "GET" else 303), endpoint
    assert db.table("assignments").count_where("annotator != 'hana'") == 0


def test_leads_fix_actors_on_any_sentence_but_label_only_their_own(app, db):
    set_question(db, True)
    holder, lead = signed_in(app, "hana", "annotator"), signed_in(app, "lea", "lead")
    holder.get("/review")
    for endpoint, method, url, data in on_a_sentence(app, db):
        for headers in ({}, HX):
            if endpoint == "mention_fixes.remove" and headers:
                continue  # the plain request removed the mention
            response = lead.open(url, method=method, data=data, headers=headers)
            if method == "POST" and endpoint not in FIXING_ACTORS:
                expected = 403
            else:
                expected = 200 if method == "GET" or headers else 303
            assert response.status_code == expected, (endpoint, method, headers)
    assert db.table("assignments").count_where("annotator = 'lea'") == 0
    actions = db.query("select action from decisions where annotator = 'lea'")
    assert sorted(row["action"] for row in actions) == ["add", "reassign", "reassign", "remove"]


def test_a_sentence_with_a_free_place_is_taken_by_opening_it(app, db):
    holder, other = signed_in(app, "hana", "annotator"), signed_in(app, "otto", "annotator")
    holder.get("/review")
    set_overlap(db, 2)
    assert other.get(f"/review/{FIRST}").status_code == 200
    holders = db.query("select annotator from assignments where sentence_id = ?", [FIRST])
    assert sorted(row["annotator"] for row in holders) == ["hana", "otto"]
    third = signed_in(app, "theo", "annotator")
    assert third.get(f"/review/{FIRST}").status_code == 403


def test_every_state_changing_request_needs_the_csrf_token(app, db):
    client = signed_in(app, "ana")  # signed in before CSRF is switched on
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/review").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    posts = [(e, u) for e, m, u in requests_of(app, db) if m == "POST" and e != "auth.logout"]
    assert len(posts) > 20
    for endpoint, url in posts:
        for headers in ({}, HX):
            response = client.post(url, headers=headers)
            assert response.status_code == 400, endpoint
            assert "CSRF token" in response.get_data(as_text=True), endpoint
        response = client.post(url, headers={**HX, "X-CSRFToken": token})
        assert "CSRF token" not in response.get_data(as_text=True), endpoint
    assert client.post("/logout").status_code == 400  # signing out is protected too
    assert client.get("/review").status_code == 200


def test_refusals_are_pages_of_the_app_that_say_why(app):
    annotator = signed_in(app, "bob", "annotator")
    forbidden = annotator.get("/models")
    page = forbidden.get_data(as_text=True)
    assert forbidden.status_code == 403 and "app.css" in page and "Back to the start page" in page
    assert "This is for leads and admins only; you are signed in as annotator." in page
    missing = signed_in(app, "lena", "lead").get("/documents/no-such-document")
    assert missing.status_code == 404 and "No document &#39;no-such-document" in missing.get_data(
        as_text=True
    )
    wrong_method = annotator.get("/models/learn")
    assert wrong_method.status_code == 405 and "POST" in wrong_method.headers["Allow"]
    fragment = annotator.get("/models", headers=HX).get_data(as_text=True)
    assert fragment.startswith('<p class="flash error" role="alert">')  # htmx shows it in place
    app.config["WTF_CSRF_ENABLED"] = True
    expired = annotator.post("/review/order", data={"order": "document"}).get_data(as_text=True)
    assert "CSRF token is missing" in expired and "reload it" in expired


def test_sign_in_and_out(app):
    add_user(app.config["DB"], "ana", "annotator")
    client = app.test_client()
    response = client.post(
        "/login?next=/review/" + FIRST, data={"username": "ana", "password": PASSWORD}
    )
    assert response.status_code == 303 and response.location.endswith(f"/review/{FIRST}")
    assert "ana (annotator)" in client.get("/review").get_data(as_text=True)
    assert client.post("/logout").status_code == 303
    assert client.get("/review").status_code == 303


def test_a_username_signs_in_whatever_its_case_and_its_failures_count_together(app):
    add_user(app.config["DB"], "ana", "annotator")
    client = app.test_client()
    for typed in ("Ana", "aNa", "ANA", "anA", "AnA"):  # five failures, each cased otherwise
        assert (
            client.post("/login", data={"username": typed, "password": "wrong"}).status_code == 400
        )
    locked = client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert locked.status_code == 429
    other = app.test_client()
    add_user(app.config["DB"], "ben", "annotator")
    response = other.post("/login", data={"username": "BEN", "password": PASSWORD})
    assert response.status_code == 303 and "ben (annotator)" in other.get("/review").get_data(True)


@pytest.mark.parametrize("headers", [{}, HX])
def test_a_session_cookie_copied_before_sign_out_no_longer_works(app, headers):
    client = signed_in(app, "ana", "annotator")
    assert client.get("/review").status_code == 200
    copied = client.get_cookie("session").value
    assert client.post("/logout", headers=headers).status_code == 303
    replay = app.test_client()
    replay.set_cookie("session", copied)
    response = replay.get("/review", headers=headers)
    if headers:
        assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")
    else:
        assert response.status_code == 303 and response.location.startswith("/login?next=")
    assert replay.post("/review/undo", headers=headers).status_code == (401 if headers else 303)
    again = signed_in(app, "ana", "annotator")  # signing in again opens a new session
    assert again.get("/review").status_code == 200


def test_switching_an_account_off_ends_its_sessions_on_the_server(app, db):
    from annotator.store.users import set_active

    client = signed_in(app, "ana", "annotator")
    copied = client.get_cookie("session").value
    ana = get_user_by_name(db, "ana")
    set_active(db, ana["id"], False)
    set_active(db, ana["id"], True)
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/review").status_code == 303


OFF_SITE = [
    "//",
    "//evil.example/x",
    "////evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "%2F%2Fevil.example",
    "https://evil.example/",
    "HTTPS:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(app, target):
    add_user(app.config["DB"], "ana", "annotator")
    data = {"username": "ana", "password": PASSWORD}
    # As the app receives it once decoded, and as it would arrive written into the URL.
    for path, query in (("/login", {"next": target}), (f"/login?next={target}", None)):
        response = app.test_client().post(path, query_string=query, data=data)
        assert response.status_code == 303, path
        assert response.headers["Location"] == "/review", path


@pytest.mark.parametrize("target", ["/review", f"/review/{FIRST}?focus=1", "/documents?x=1"])
def test_sign_in_follows_a_path_on_this_site(app, target):
    add_user(app.config["DB"], "ana", "annotator")
    response = app.test_client().post(
        "/login", query_string={"next": target}, data={"username": "ana", "password": PASSWORD}
    )
    assert response.status_code == 303 and response.headers["Location"] == target


def test_wrong_passwords_are_refused_then_rate_limited(app):
    add_user(app.config["DB"], "ana", "annotator")
    client = app.test_client()
    for _ in range(5):
        response = client.post("/login", data={"username": "ana", "password": "wrong password"})
        assert response.status_code == 400
        assert "Unknown username or wrong password." in response.get_data(as_text=True)
    response = client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 429 and "Too many failed sign-ins" in response.get_data(
        as_text=True
    )
    other = client.post("/login", data={"username": "nobody", "password": "wrong password"})
    assert other.status_code == 400  # other accounts from the address are not locked yet


class CountingHasher:
    """The password hasher, counting how many passwords it verifies."""

    def __init__(self, hasher):
        self.hasher, self.verified, self.lock = hasher, 0, threading.Lock()

    def verify(self, hashed, password):
        with self.lock:
            self.verified += 1
        return self.hasher.verify(hashed, password)

    def __getattr__(self, name):
        return getattr(self.hasher, name)


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(app, db, monkeypatch):
    from annotator.store import login_limits, users

    add_user(app.config["DB"], "ana", "annotator")
    add_user(app.config["DB"], "ben", "annotator")
    counting = CountingHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", counting)
    start = threading.Barrier(30)

    def guess(_):
        client = app.test_client()  # one client, hence one connection, per thread
        start.wait()
        return client.post("/login", data={"username": "ana", "password": "wrong password"})

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = sorted(response.status_code for response in pool.map(guess, range(30)))
    assert counting.verified == login_limits.PER_ACCOUNT
    assert statuses == [400] * login_limits.PER_ACCOUNT + [429] * (30 - login_limits.PER_ACCOUNT)
    assert db.table("login_failures").count == login_limits.PER_ACCOUNT
    # Another account from the same address is not locked.
    good = {"password": PASSWORD}
    assert app.test_client().post("/login", data={"username": "ben", **good}).status_code == 303
    refused = app.test_client().post("/login", data={"username": "ana", **good})
    assert refused.status_code == 429 and counting.verified == login_limits.PER_ACCOUNT + 1
    # Once the window has passed, the right password works again.
    db.execute("update login_failures set created = '2000-01-01T00:00:00.000+00:00'")
    db.conn.commit()
    assert app.test_client().post("/login", data={"username": "ana", **good}).status_code == 303
    assert db.table("login_failures").count == 0


def test_a_password_change_signs_out_other_sessions(app, db):
    client = signed_in(app, "ana", "annotator")
    assert client.get("/review").status_code == 200
    from annotator.store.users import set_password

    set_password(db, get_user_by_name(db, "ana")["id"], "a new password")
    assert client.get("/review").status_code == 303


def test_switched_off_accounts_cannot_sign_in(app, db):
    client = signed_in(app, "ana", "annotator")
    admin = signed_in(app, "boss", "admin")
    ana = get_user_by_name(db, "ana")
    response = admin.post(f"/users/{ana['id']}", data={f"u{ana['id']}-role": "annotator"})
    assert response.status_code == 303  # the unticked box switches the account off
    assert client.get("/review").status_code == 303
    assert authenticate(db, "ana", PASSWORD) is None


def test_admins_add_users_and_change_roles_in_the_browser(app, db):
    admin = signed_in(app, "boss", "admin")
    response = admin.post(
        "/users", data={"username": "cleo", "password": "long enough", "role": "lead"}
    )
    assert response.status_code == 303
    assert get_user_by_name(db, "cleo")["role"] == "lead"
    response = admin.post(
        "/users", data={"username": "cleo", "password": "long enough", "role": "lead"}
    )
    assert response.status_code == 400 and "is taken" in response.get_data(as_text=True)
    response = admin.post(
        "/users", data={"username": "CLEO", "password": "long enough", "role": "annotator"}
    )
    assert response.status_code == 400
    assert "is taken (as &#39;cleo&#39;)" in response.get_data(as_text=True)
    assert get_user_by_name(db, "CLEO") is None
    response = admin.post("/users", data={"username": "<b>", "password": "short", "role": "x"})
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 400 and "&lt;b&gt;" in html and "<b>" not in html.split("<main>")[1]
    )
    boss = get_user_by_name(db, "boss")
    response = admin.post(
        f"/users/{boss['id']}", data={f"u{boss['id']}-role": "lead", f"u{boss['id']}-active": "y"}
    )
    assert response.status_code == 400 and "at least one active admin" in response.get_data(
        as_text=True
    )


def test_store_refuses_bad_accounts(db):
    with pytest.raises(UserError, match="at least 8 characters"):
        create_user(db, "ana", "short")
    with pytest.raises(UserError, match="username"):
        create_user(db, "has space", PASSWORD)
    with pytest.raises(UserError, match="role"):
        create_user(db, "ana", PASSWORD, "owner")
    user_id = create_user(db, "ana", PASSWORD, "admin")
    with pytest.raises(UserError, match="at least one active admin"):
        set_role(db, user_id, "lead")
    stored = get_user_by_name(db, "ana")["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_user_commands(db_path):
    runner = CliRunner()
    env = {"ANNOTATOR_DB": str(db_path), "ANNOTATOR_PASSWORD": PASSWORD}
    result = runner.invoke(main, ["user", "add", "ana", "--role", "lead"], env=env)
    assert result.exit_code == 0 and "added ana (lead)" in result.output
    result = runner.invoke(main, ["user", "add", "ana"], env=env)
    assert result.exit_code != 0 and "is taken" in result.output
    result = runner.invoke(main, ["user", "role", "ana", "admin"], env=env)
    assert result.exit_code == 0
    result = runner.invoke(main, ["user", "list"], env=env)
    assert "ana" in result.output and "admin" in result.output
    result = runner.invoke(main, ["user", "password", "nobody"], env=env)
    assert result.exit_code != 0 and "no user 'nobody'" in result.output
    result = runner.invoke(
        main, ["user", "add", "ben"], input="short\nshort\n", env={"ANNOTATOR_DB": str(db_path)}
    )
    assert result.exit_code != 0 and "at least 8 characters" in result.output


def test_a_browser_that_signed_in_before_is_not_paused_by_others_at_its_address(
    app, db, monkeypatch
):
    from annotator.store import login_limits
    from annotator.web import known_browsers
    from annotator.web.known_browsers import COOKIE

    add_user(app.config["DB"], "admin1", "admin")
    good = {"username": "Admin1", "password": PASSWORD}
    owner = app.test_client()
    assert owner.post("/login", data=good).status_code == 303
    owner.post("/logout", data={})
    # someone at the same address, on another browser, types wrong passwords
    stranger = app.test_client()
    wrong = {"username": "admin1", "password": "wrong password"}
    for _ in range(login_limits.PER_ADDRESS):
        stranger.post("/login", data=wrong)
    assert stranger.post("/login", data=good).status_code == 429
    assert app.test_client().post("/login", data=good).status_code == 429  # a new browser too
    # the owner's browser is not paused by them
    assert owner.post("/login", data=good).status_code == 303
    # a cookie made up, or one of another account's browser, is no pass
    forged = app.test_client()
    forged.set_cookie(COOKIE, owner.get_cookie(COOKIE).value[:-2] + "xx")
    assert forged.post("/login", data=good).status_code == 429
    add_user(app.config["DB"], "ben", "annotator")
    other = app.test_client()
    assert other.post("/login", data={"username": "ben", "password": PASSWORD}).status_code == 303
    assert other.post("/login", data=good).status_code == 429
    # a browser's signature lasts as long as its cookie (half a year from its last sign-in)
    owner.post("/logout", data={})
    with monkeypatch.context() as patched:
        patched.setattr(known_browsers, "MAX_AGE", -1)
        assert owner.post("/login", data=good).status_code == 429
    # a new password makes every browser a stranger again
    from annotator.store.users import set_password

    owner.post("/login", data=good)
    owner.post("/logout", data={})
    set_password(db, get_user_by_name(db, "admin1")["id"], PASSWORD)  # the same, hashed anew
    assert owner.post("/login", data=good).status_code == 429
    db.execute("delete from login_failures")
    db.conn.commit()
    assert owner.post("/login", data=good).status_code == 303
    owner.post("/logout", data={})
    # the known browser's own failures still pause it
    for _ in range(login_limits.PER_ACCOUNT):
        assert owner.post("/login", data=wrong).status_code == 400
    assert owner.post("/login", data=good).status_code == 429
