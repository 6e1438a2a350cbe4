"""The browser suite: the real app served on loopback, driven by headless Chromium (Playwright).

Run with `make test-browser`. It needs Debian's `chromium` (CHROMIUM_PATH overrides the path).
The app runs in a thread of this process on a fresh SQLite file with CSRF on, like production.
"""
import os
import shutil
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from sqlalchemy import func, select

from clinic import create_app
from clinic.auth.models import User
from clinic.coaching.models import CoachingSession
from clinic.demo import seed_demo
from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from clinic.reporting.models import Innovation, ReportItem
from config import TestingConfig

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium not found: install Debian's `chromium` or set CHROMIUM_PATH")
    return path


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    app = create_app(TestingConfig, {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite'}",
        "WTF_CSRF_ENABLED": True,
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "BASE_URL": "http://127.0.0.1",
    })
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def demo(live_app):
    """The demo city seeded into the live app (about 5 s), so that pages have content.

    Returns the demo password and, for the busiest SKPD contact (the one with the most open
    tasks, then items), ids of pages to visit: an innovation, an item, a session and a task of
    that SKPD, a session the demo trainer coaches, and the trainer's open (joint) session.
    """
    with live_app.app_context():
        if not db.session.scalar(select(func.count()).select_from(User).where(
                User.email == "admin@demo.test")):
            seed_demo()
            db.session.commit()
        busiest = db.session.execute(
            select(FollowUpTask.skpd_id, func.count()).where(FollowUpTask.status == "open")
            .group_by(FollowUpTask.skpd_id).order_by(func.count().desc(), FollowUpTask.skpd_id)
        ).first()[0]
        contact = db.session.scalars(select(User).where(
            User.role == "contact", User.skpd_id == busiest).order_by(User.id)).first()
        innovation = db.session.scalars(select(Innovation).where(
            Innovation.skpd_id == busiest).order_by(Innovation.id)).first()
        item = db.session.scalars(select(ReportItem).where(
            ReportItem.innovation_id == innovation.id).order_by(ReportItem.id)).first()
        task = db.session.scalars(select(FollowUpTask).where(
            FollowUpTask.skpd_id == busiest).order_by(FollowUpTask.id)).first()
        trainer = db.session.scalars(select(User).where(
            User.email == "trainer@demo.test")).one()
        session = db.session.scalars(select(CoachingSession).where(
            CoachingSession.trainers.contains(trainer)).order_by(CoachingSession.id)).first()
        # The trainer's open session with the most SKPDs (a joint one): findings can be added.
        open_session = max((s for s in db.session.scalars(select(CoachingSession).where(
            CoachingSession.trainers.contains(trainer)).order_by(CoachingSession.id))
            if not s.is_cancelled and not s.is_signed_off), key=lambda s: len(s.skpds))
        own_session = db.session.scalars(select(CoachingSession).where(
            CoachingSession.skpd_scope_clause([busiest])).order_by(CoachingSession.id)).first()
        return {"password": live_app.config["DEMO_PASSWORD"], "contact": contact.email,
                "skpd_id": busiest, "innovation_id": innovation.id, "item_id": item.id,
                "task_id": task.id, "session_id": session.id,
                "contact_session_id": own_session.id, "open_session_id": open_session.id,
                "open_session_skpds": len(open_session.skpds)}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser, live_app):
    """New pages (each its own browser context, i.e. its own cookies) that record problems."""
    contexts = []

    def make(width=1280, height=900, bypass_csp=False):
        # bypass_csp only for injecting test tools (axe-core); pages under test keep the CSP.
        context = browser.new_context(base_url=live_app.config["BASE_URL"],
                                      viewport={"width": width, "height": height},
                                      locale="id-ID", bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
        page.on("pageerror", lambda exc: page.problems.append(str(exc)))
        page.on("dialog", lambda dialog: _answer(page, dialog))
        return page

    yield make
    for context in contexts:
        context.close()


def _answer(page, dialog):
    # data-confirm buttons ask with confirm(); any alert() is a script that should not run.
    if dialog.type == "confirm":
        dialog.accept()
    else:
        page.problems.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def login(page, email, password):
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login failed for {email}"
