"""`annotator serve`: gunicorn's processes on one SQLite file, the proxy option, and the
writer lock that lets those processes queue for SQLite's write lock without polling."""

import multiprocessing
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from annotator import create_app
from annotator.cli.server import app_config
from annotator.store.database import connect, open_database

from .conftest import PASSWORD, add_user
from .test_jobs import processes_with, wait_until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _hold_the_lock(path, held, release_at):
    db = connect(path)
    with db.atomic():
        db.execute("insert into settings (key, value) values ('holder', 'child')")
        held.set()
        time.sleep(max(0.0, release_at - time.time()))
    db.close()


def test_writers_of_two_processes_queue_on_the_file_lock(db_path):
    """A writer of another process holds the lock: this one waits for it, then writes,
    with no "database is locked"."""
    held = multiprocessing.get_context("fork").Event()
    release_at = time.time() + 1.0
    child = multiprocessing.get_context("fork").Process(
        target=_hold_the_lock, args=(str(db_path), held, release_at)
    )
    child.start()
    assert held.wait(30)
    db = open_database(db_path)
    with db.atomic():
        waited_until = time.time()
        db.execute("insert into settings (key, value) values ('after', 'parent')")
    child.join(30)
    assert child.exitcode == 0 and waited_until >= release_at - 0.05
    assert db.execute("select value from settings where key = 'holder'").fetchone() == ("child",)
    db.close()


def serving(db_path, *options: str) -> tuple[subprocess.Popen, int]:
    """`annotator serve` with `options` on a free port, its output captured."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", "serve", "--db", str(db_path)]
        + ["--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return server, port


def test_serve_runs_gunicorn_processes_and_stops_them_all(db_path):
    add_user(db_path, "ana", "annotator")
    server, port = serving(db_path, "--workers", "3")
    try:
        wait_until(lambda: _answers(port), timeout=90)
        children = wait_until(lambda: _children(server.pid, 4), timeout=30)
        assert len(children) == 4  # three web processes and the job worker
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0]
    assert server.returncode == 0
    assert "gunicorn, 3 processes" in output and output.count("stopped") == 1
    wait_until(lambda: not any(_alive(pid) for pid in children), timeout=30)
    assert not processes_with(f"--exit-with {server.pid}")


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _children(pid: int, count: int) -> list[int] | None:
    found = [
        int(child)
        for task in _read(f"/proc/{pid}/task").split()
        for child in _read(f"/proc/{pid}/task/{task}/children").split()
    ]
    return found if len(found) >= count else None


def _read(path: str) -> str:
    import os

    try:
        if os.path.isdir(path):
            return " ".join(os.listdir(path))
        with open(path) as file:
            return file.read()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    state = _read(f"/proc/{pid}/stat").split(") ")[-1][:1]
    return state not in ("", "Z")


def test_behind_a_proxy_the_client_s_address_and_https_are_trusted(db_path, db):
    add_user(db_path, "ana", "annotator")
    config = app_config(db_path, behind_proxy=True)
    app = create_app({**config, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    for _ in range(5):  # wrong passwords: counted against the client's address, not the proxy's
        client.post("/login", data={"username": "ana", "password": "wrong"}, headers=forwarded)
    rows = db.execute("select distinct address from login_failures").fetchall()
    assert rows == [("203.0.113.7",)]
    other = {"X-Forwarded-For": "198.51.100.2", "X-Forwarded-Proto": "https"}
    response = client.post("/login", data={"username": "ana", "password": PASSWORD}, headers=other)
    assert response.status_code == 303 and response.location.startswith(("https://", "/"))
    assert "Secure" in response.headers["Set-Cookie"]


def test_without_the_proxy_option_forwarded_headers_are_ignored(db_path, db):
    add_user(db_path, "ana", "annotator")
    config = app_config(db_path, behind_proxy=False)
    client = create_app({**config, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False}).test_client()
    client.post(
        "/login",
        data={"username": "ana", "password": "wrong"},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    rows = db.execute("select distinct address from login_failures").fetchall()
    assert rows == [("127.0.0.1",)]


def test_debug_serves_from_one_process_with_the_development_server(db_path):
    server, port = serving(db_path, "--debug", "--no-worker")
    try:
        wait_until(lambda: _answers(port), timeout=90)
        assert _children(server.pid, 1) is None  # no forked processes
    finally:
        server.send_signal(signal.SIGINT)
        output = server.communicate(timeout=60)[0]
    assert "gunicorn" not in output and f"http://127.0.0.1:{port}/" in output


def test_behind_proxy_keeps_a_configured_number_of_proxies(db_path, db):
    config = {**app_config(db_path, behind_proxy=True), "PROXY_FIX": 2, "SECRET_KEY": "x"}
    app = create_app(config)
    assert app.config["PROXY_FIX"] == 2 and app.wsgi_app.x_for == 2
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_serve_refuses_a_port_in_use_before_starting_anything(db_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "annotator.cli", "serve", "--db", str(db_path)]
            + ["--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output = server.communicate(timeout=60)[0]
    assert server.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in output
    assert "annotator worker" not in output  # no second job worker on the database


def test_gunicorn_itself_trusts_no_forwarded_header(db_path):
    """Without --behind-proxy, a local client's X-Forwarded-Proto does not make the request
    HTTPS (which would, among other things, fail the CSRF referrer check at sign-in)."""
    import http.cookiejar
    import re
    import urllib.parse

    add_user(db_path, "ana", "annotator")
    server, port = serving(db_path, "--no-worker")
    try:
        wait_until(lambda: _answers(port), timeout=90)
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        base = f"http://127.0.0.1:{port}"
        page = opener.open(base + "/login").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"csrf_token": token, "username": "ana", "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(
            base + "/login", data=body, headers={"X-Forwarded-Proto": "https"}
        )
        with opener.open(request) as response:  # signed in: the review page, over http
            assert response.status == 200 and response.url.startswith(base)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
