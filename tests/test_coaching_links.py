"""Absolute links come from BASE_URL everywhere (pages, .ics, mails); `make run` derives it
from PORT unless BASE_URL is given; the calendar page offers copy and webcal:// subscribing
and shows the feed's task due dates, scoped like the feed."""
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import select

from clinic.coaching import services
from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from clinic.outbox.delivery import build_message
from clinic.outbox.models import Notification

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 7, 1, 1, 0, tzinfo=timezone.utc)
BASE = "http://127.0.0.1:5411"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _run_target(tmp_path, *args, env_base_url=None, dotenv=None):
    """`make -n run ...` on a copy of the Makefile (no venv, no .env of the developer)."""
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv)
    env = {"PATH": "/usr/bin:/bin"}
    if env_base_url:
        env["BASE_URL"] = env_base_url
    result = subprocess.run(["make", "-n", "-C", str(tmp_path), "run", *args], env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return [line for line in result.stdout.splitlines() if "flask" in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_derives_base_url_from_port_unless_given(tmp_path):
    lines = _run_target(tmp_path, "PORT=5411")
    serve = next(line for line in lines if " run --host" in line)
    assert "BASE_URL=http://127.0.0.1:5411 " in serve and "--port 5411" in serve
    # The demo data (its mails) and the printed address use it too.
    assert all("BASE_URL=http://127.0.0.1:5411" in line for line in lines
               if "seed-demo" in line or "demo-logins" in line)
    for given in (_run_target(tmp_path, "PORT=5411", "BASE_URL=https://inovasi.example.go.id"),
                  _run_target(tmp_path, "PORT=5411", env_base_url="https://inovasi.example.go.id"),
                  _run_target(tmp_path, "PORT=5411",
                              dotenv='export BASE_URL="https://inovasi.example.go.id"\n')):
        serve = next(line for line in given if " run --host" in line)
        assert "BASE_URL=https://inovasi.example.go.id " in serve and "5411" in serve.split(
            "--port")[1]


def test_demo_logins_print_the_links_address(app, runner):
    app.config["BASE_URL"] = "https://inovasi.example.go.id"
    result = runner.invoke(args=["demo-logins", "--port", "5411"])
    assert "Klinik Inovasi: https://inovasi.example.go.id\n" in result.output
    assert "server on http://127.0.0.1:5411" in result.output
    app.config["BASE_URL"] = BASE  # `make run` without BASE_URL: one address
    result = runner.invoke(args=["demo-logins", "--port", "5411"])
    assert f"Klinik Inovasi: {BASE}\n" in result.output and "server on" not in result.output


@pytest.mark.app_config(BASE_URL=BASE)
def test_calendar_page_feed_and_ics_links_use_base_url(app, world, client, auth):
    auth.login_as(world.contact)
    page = client.get("/coaching/calendar?view=agenda&month=2026-07").get_data(as_text=True)
    feed = f"{BASE}/coaching/feed/{world.contact.calendar_token}.ics"
    assert f'value="{feed}"' in page
    assert f'href="webcal://127.0.0.1:5411/coaching/feed/{world.contact.calendar_token}.ics"' \
        in page
    assert 'data-copy="feed-url"' in page and "js/copy-link.js" in page
    assert "localhost/" not in page.split('id="langganan"')[1]

    cal = Calendar.from_ical(client.get(f"/coaching/feed/{world.contact.calendar_token}.ics").data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    session = events[world.session.title]
    assert str(session["URL"]) == f"{BASE}/coaching/{world.session.id}"
    assert f"{BASE}/coaching/{world.session.id}" in str(session["DESCRIPTION"])
    task = next(e for s, e in events.items() if world.task.title in s)
    assert str(task["URL"]) == f"{BASE}/tindak-lanjut/{world.task.id}"


@pytest.mark.app_config(BASE_URL=BASE)
def test_invitation_mail_and_ics_links_use_base_url(app, world):
    with app.test_request_context("/", base_url="http://localhost:5000"):
        created, = services.schedule({
            "title": "Klinik Tautan", "skpd_ids": [world.skpd.id],
            "trainer_ids": [world.trainer.id], "innovation_ids": [],
            "starts_at": datetime(2026, 7, 14, 1, 0, tzinfo=timezone.utc),
            "ends_at": datetime(2026, 7, 14, 3, 0, tzinfo=timezone.utc),
            "timezone": "Asia/Makassar", "room": None, "place": "Aula", "online_url": None,
            "agenda": None, "count": 1}, world.staff)
        db.session.commit()
    row = db.session.scalars(select(Notification).where(
        Notification.kind == "session_invitation",
        Notification.recipient_id == world.contact.id)).one()
    body = build_message(row).body
    links = re.findall(r"https?://[^\s]+", body)
    assert links and all(link.startswith(BASE + "/") for link in links), links
    event, = Calendar.from_ical(row.attachments[0]["data"]).walk("VEVENT")
    assert str(event["URL"]) == f"{BASE}/coaching/{created.id}"
    assert ":5000" not in row.attachments[0]["data"]


def test_calendar_page_shows_task_due_dates_scoped_like_the_feed(world, client, auth):
    db.session.add(FollowUpTask(skpd_id=world.other_skpd.id, owner_id=world.other_contact.id,
                                title="Tugas Dinas Kedua", due_on=world.task.due_on))
    db.session.add(FollowUpTask(skpd_id=world.skpd.id, title="Tugas sudah ditutup",
                                due_on=world.task.due_on, status="closed"))
    db.session.commit()
    auth.login_as(world.contact)
    for view in ("month", "agenda"):
        page = client.get(f"/coaching/calendar?view={view}&month=2026-07").get_data(as_text=True)
        cell = page.split('data-date="2026-07-21"')[1].split("</td>" if view == "month"
                                                              else "</section>")[0]
        assert world.task.title in cell and f"/tindak-lanjut/{world.task.id}" in cell
        assert "Tugas Dinas Kedua" not in page and "Tugas sudah ditutup" not in page
    auth.logout()
    auth.login_as(world.other_contact)
    page = client.get("/coaching/calendar?month=2026-07").get_data(as_text=True)
    assert "Tugas Dinas Kedua" in page and world.task.title not in page
    auth.logout()
    auth.login_as(world.trainer)  # the task comes from the trainer's session
    assert world.task.title in client.get("/coaching/calendar?month=2026-07").get_data(
        as_text=True)
    auth.logout()
    auth.login_as(world.staff)  # Bappeda: none, as in the feed
    assert world.task.title not in client.get("/coaching/calendar?month=2026-07").get_data(
        as_text=True)
