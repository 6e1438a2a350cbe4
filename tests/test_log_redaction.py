"""Issue 9.1: tokens in URL paths never reach a log (development server, gunicorn, the app)."""
import logging
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import url_for
from werkzeug.serving import make_server

from clinic import create_app
from clinic.extensions import db
from clinic.log_redaction import REDACTED, redact, token_patterns
from tests.smtp_sink import free_port

REPO = Path(__file__).resolve().parents[1]
SECRET = "eyJ1aWQiOjF9.Z3n1aQ.Sup3rS3cretSignatureValue"


def token_urls(app):
    """A URL with SECRET as its token for every rule that takes a token."""
    with app.test_request_context():
        return sorted({url_for(rule.endpoint, token=SECRET,
                               **{name: 1 for name in rule.arguments - {"token"}})
                       for rule in app.url_map.iter_rules() if "token" in rule.arguments})


def test_every_route_with_a_token_is_redacted_and_others_are_not(app):
    urls = token_urls(app)
    # Reset, invitation, calendar feed, unsubscribe (GET and POST share a URL).
    assert len(urls) >= 4 and any(u.endswith(".ics") for u in urls)
    patterns = token_patterns(app.url_map)
    for url in urls:
        line = f'127.0.0.1 - - "GET {url}?x=1 HTTP/1.1" 200 - "https://kota.go.id{url}"'
        cleaned = redact(line, patterns)
        assert SECRET not in cleaned and cleaned.count(REDACTED) == 2, cleaned
    plain = '"GET /innovations/12 HTTP/1.1" 200 "GET /coaching/feed/regenerate"'
    assert redact(plain, patterns) == plain


def test_secrets_travel_only_in_token_arguments(app):
    # A secret under another argument name would escape the redaction above.
    for rule in app.url_map.iter_rules():
        assert not rule.arguments & {"secret", "key", "signature", "code_token"}, rule.rule


def _each_url_logged_redacted(app, urls, lines):
    """Whether every URL's request line is there with its token cut (a redirect to the login
    page, as the staff-only check-in link gives, may add a line of its own)."""
    patterns = token_patterns(app.url_map)
    return all(any(f"GET {redact(url, patterns)} " in line for line in lines) for url in urls)


def test_login_redirect_of_a_token_link_is_redacted(app):
    patterns = token_patterns(app.url_map)
    line = f'"GET /login?next=%2Fbimtek%2Fhadir%2F{SECRET} HTTP/1.1" 200'
    assert redact(line, patterns) == '"GET /login?next=%2Fbimtek%2Fhadir%2F[redacted] HTTP/1.1" 200'
    line = f'"GET /login?next=%2Fbimtek%2Fmateri%2F{SECRET}%2F7&x=1 HTTP/1.1"'
    assert SECRET not in redact(line, patterns) and "%2F7&x=1" in redact(line, patterns)


def test_development_server_request_lines_hold_no_token(app, caplog):
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for url in token_urls(app):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}{url}", timeout=10)
            except urllib.error.HTTPError:
                pass  # the token is invalid: 404 or the "link expired" page, all logged
    finally:
        server.shutdown()
        thread.join(5)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert _each_url_logged_redacted(app, token_urls(app), lines)
    assert not any(SECRET in line for line in lines), lines


def test_gunicorn_access_log_holds_no_token(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    port, access_log = free_port(), tmp_path / "access.log"
    env = {**__import__("os").environ, "DATABASE_URL": url, "CLINIC_CONFIG": "development",
           "FLASK_DEBUG": "0", "CLINIC_EMBEDDED_SCHEDULER": "0"}
    env.pop("TEST_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access_log), "wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "err.log", "wb"))
    urls = token_urls(app)
    try:
        for url_path in urls:
            for _ in range(300):  # the worker may still be booting
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{url_path}", timeout=10)
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(20)
    lines = access_log.read_text().splitlines()
    assert _each_url_logged_redacted(app, urls, lines), (
        lines, (tmp_path / "err.log").read_text()[-2000:])
    assert not any(SECRET in line for line in lines), lines


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)
def test_an_error_on_a_token_route_logs_the_route_pattern(app, client, caplog, monkeypatch):
    from clinic.auth import routes

    def broken(token):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "auth.reset_password", broken)
    assert routes  # the view is replaced in the app's table, not in the module
    assert client.get(f"/password/reset/{SECRET}").status_code == 500
    messages = [r.getMessage() for r in caplog.records if r.exc_info]
    assert messages == ["Unhandled error on GET /password/reset/<token>"]


def test_the_nginx_access_log_map_covers_every_route_with_a_token(app):
    conf = (REPO / "deploy" / "nginx-klinik-inovasi.conf").read_text()
    entries = [(re.compile(pattern.replace("(?<", "(?P<")), replacement)
               for pattern, replacement in re.findall(r'"~(\^[^"]+)"\s+"([^"]+)";', conf)]
    assert "access_log" in conf and "$loggable_uri" in conf and "$request_uri\"" not in conf
    for url in token_urls(app):
        matched = [(p, r) for p, r in entries if p.match(url + "?x=1")]
        assert len(matched) == 1, url
        pattern, replacement = matched[0]
        groups = pattern.match(url + "?x=1").groupdict()
        logged = re.sub(r"\$\{(\w+)\}", lambda m: groups[m.group(1)], replacement)
        assert SECRET not in logged and logged.endswith("?x=1") and REDACTED in logged, logged
