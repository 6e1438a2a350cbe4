"""Shared fixtures in the flaskr shape: app, client, runner, auth, and factories.

The suite runs on SQLite by default; set TEST_DATABASE_URL to run it on PostgreSQL or MariaDB.
Under CI=true an unreachable database fails the run instead of skipping it. Under pytest-xdist
(`make test` runs two workers) each worker has a database of its own: see tests/database.py.
"""
import io
import itertools
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from flask import Flask, g, has_app_context, url_for
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from jinja2 import BytecodeCache
from PIL import Image
from sqlalchemy import event, select
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule

from clinic import create_app, uploads
from clinic.admin.models import Skpd
from clinic.bimtek import services as bimtek_services
from clinic.bimtek.services.links import make_token
from clinic.auth.models import User
from clinic.catalogue.models import Cycle, Indicator, IndicatorLevel
from clinic.catalogue.services import load_catalogue, make_current
from clinic.coaching.models import Attendance, CoachingSession, Finding, SessionNote
from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskEvent
from clinic.outbox.delivery import build_message
from clinic.outbox.models import Notification
from clinic.reporting.engine.store import differences
from clinic.reporting.models import ReportItem
from clinic.reporting.services import (
    add_document, add_file, create_innovation, ensure_spd_items,
)
from clinic.workdays import ClosedDate
from config import TestingConfig
from tests.database import close_database, open_database, use_worker_database
from tests.smtp_sink import SMTP_PORT, running_sink
from tests.bimtek_checkin_world import checkin_placeholders
from tests.bimtek_records_world import records_placeholders

PASSWORD = "Rahasia-Kota-2026"
_counter = itertools.count(1)


ROUTES_DIR = Path(__file__).resolve().parent / "routes"
ROLES = ("anonymous", "admin", "staff", "trainer", "contact_own", "contact_other")


def pytest_configure(config):
    use_worker_database()
    config.addinivalue_line(
        "markers",
        "app_config(name='testing', **overrides): build the `app` fixture from another config "
        "class and/or with config overrides (the database stays the test database)",
    )


def load_route_table():
    """Every row of tests/routes/*.yaml, each with the file it came from."""
    rows = []
    for path in sorted(ROUTES_DIR.glob("*.yaml")):
        for n, row in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or [], 1):
            rows.append(dict(row, _source=f"{path.name}#{n}"))
    return rows


def pytest_generate_tests(metafunc):
    # `route_case`: one case per route-table row x role.
    if "route_case" in metafunc.fixturenames:
        cases, ids = [], []
        for row in load_route_table():
            for role in ROLES:
                cases.append((row, role))
                ids.append(f"{row['endpoint']}-{row.get('method', 'GET')}-{row['_source']}-{role}")
        metafunc.parametrize("route_case", cases, ids=ids)


class RequestClient(FlaskClient):
    """A test client whose every request starts with an empty ``g``, as in production.

    The ``app`` fixture keeps one application context open for the whole test, and Flask reuses
    it for each request, so without this ``g`` (Flask-Login's cached user, Flask-Babel's
    locale) would leak from one client's request into another's.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(g):
                g.pop(name, None)
        return super().open(*args, **kwargs)


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app of the run: each test builds a new app, and
    compiling every template again for each one would dominate the suite's time. Jinja checks
    the source checksum, so an edited template is compiled afresh."""

    def __init__(self):
        self._store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedBytecodeCache()


class SharedBuilderRule(Rule):
    """A URL rule whose URL builders are shared by every app of the run: Werkzeug compiles
    Python code for each rule of each new app, a quarter of a short test's time. A builder
    depends only on the rule's parsed parts, its converters and its defaults."""

    _builders = {}

    def _compile_builder(self, append_unknown=True):
        key = (self.rule, self.host, self.subdomain, tuple(self._trace),
               repr(sorted((self.defaults or {}).items())), append_unknown,
               tuple(sorted((name, type(conv)) for name, conv in self._converters.items())))
        if key not in self._builders:
            self._builders[key] = super()._compile_builder(append_unknown)
        return self._builders[key]


# Flask's hook for the rule class: every app of the test run builds its rules with it.
Flask.url_rule_class = SharedBuilderRule


@pytest.fixture
def app(request):
    marker = request.node.get_closest_marker("app_config")
    name = (marker.args[0] if marker and marker.args else "testing")
    overrides = dict(marker.kwargs) if marker else {}
    # Whatever the config class, never touch a database other than the test database.
    overrides.setdefault("SQLALCHEMY_DATABASE_URI", TestingConfig.SQLALCHEMY_DATABASE_URI)
    app = create_app(name, overrides=overrides)
    app.test_client_class = RequestClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    with app.app_context():
        open_database(app)
        yield app
        check_score_aggregates()
        close_database()


def check_score_aggregates():
    """The score engine's consistency check (`flask score --check`) after every test: the
    aggregates the hooks kept agree with a recomputation from the committed rows."""
    db.session.rollback()
    conn = db.session.connection()
    found = [line for cycle_id in conn.scalars(select(Cycle.id))
             for line in differences(conn, cycle_id)]
    db.session.rollback()
    assert not found, "score aggregates differ from the rows:\n" + "\n".join(found)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_skpd(app):
    def make(code=None, name=None, **fields):
        n = next(_counter)
        code = code or f"SKPD{n}"
        skpd = Skpd(code=code, name=name or f"Dinas Contoh {n}",
                    short_name=fields.pop("short_name", code.title()), **fields)
        db.session.add(skpd)
        db.session.commit()
        return skpd

    return make


@pytest.fixture
def make_user(app, make_skpd):
    def make(role="staff", email=None, password=PASSWORD, skpd=None, **fields):
        n = next(_counter)
        if role == "contact" and skpd is None:
            skpd = make_skpd()
        user = User(email=email or f"{role}{n}@example.test", name=fields.pop("name", f"{role.title()} {n}"),
                    role=role, skpd=skpd, **fields)
        if password:
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email, password=PASSWORD, remember=False, headers=None, next=None):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        url = "/login" if next is None else f"/login?next={next}"
        return self._client.post(url, data=data, headers=headers or {})

    def login_as(self, user, **kwargs):
        response = self.login(user.email, **kwargs)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        assert not response.headers["Location"].startswith("/login"), response.headers["Location"]
        return response

    def logout(self):
        return self._client.post("/logout")


def delivered_text(row):
    """The plain text of an outbox row as delivery builds it, its secret links made now."""
    return build_message(row).body


@pytest.fixture
def auth(client):
    return AuthActions(client)


def pdf_bytes():
    """A small real PDF (one image page)."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PDF")
    return buffer.getvalue()


def _stored_pdf(folder, name):
    checked = uploads.inspect_upload(FileStorage(io.BytesIO(pdf_bytes()), name))
    return checked, uploads.store(checked, folder)


def add_joint_session(cycle, trainer, parts, starts_at):
    """A planned session shared by several SKPDs and coached by ``trainer``, with notes and an
    agenda for everyone; ``parts`` are (skpd, contact, tag), and each SKPD gets an innovation on
    the session, a finding about its item with a follow-up task, an older open task carried
    over, its contact's attendance row and a guest with a NIP, every text naming its tag.

    Returns the session and {tag: namespace}; a namespace's ``texts`` are what only that SKPD
    (besides Bappeda and the session's trainers) may read.
    """
    session = CoachingSession(
        title="Klinik Gabungan " + " & ".join(tag for _s, _c, tag in parts),
        skpds=[skpd for skpd, _c, _t in parts], trainers=[trainer], starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2), timezone="Asia/Makassar",
        place="Aula Bappeda", agenda="Agenda bersama sesi gabungan", cycle=cycle)
    session.note = SessionNote(body="Kesepakatan bersama sesi gabungan",
                               private_body="Catatan internal sesi gabungan")
    db.session.add(session)
    found = {}
    for n, (skpd, contact, tag) in enumerate(parts, 1):
        innovation = create_innovation(skpd, cycle, {"name": f"Inovasi Khusus {tag}"}, contact)
        session.innovations.append(innovation)
        part = SimpleNamespace(
            skpd=skpd, contact=contact, innovation=innovation, item=innovation.items[0],
            guest=Attendance(session=session, skpd_id=skpd.id, name=f"Tamu Undangan {tag}",
                             position="Analis", nip=f"19800101200501{n:04d}"),
            finding=Finding(session=session, skpd_id=skpd.id, innovation_id=innovation.id,
                            item_id=innovation.items[0].id, text=f"Temuan khusus {tag}"))
        db.session.add_all([part.guest, part.finding, Attendance(
            session=session, user_id=contact.id, skpd_id=skpd.id, name=contact.name)])
        db.session.flush()
        part.task = FollowUpTask(
            skpd_id=skpd.id, owner_id=contact.id, title=f"Tindak lanjut khusus {tag}",
            due_on=date(2026, 7, 20 + n), source="session", session_id=session.id,
            finding_id=part.finding.id, item_id=part.item.id, created_by_id=trainer.id)
        part.carried = FollowUpTask(skpd_id=skpd.id, owner_id=contact.id,
                                    title=f"Tugas lama khusus {tag}", due_on=date(2026, 7, 1))
        db.session.add_all([part.task, part.carried])
        part.texts = [innovation.name, part.finding.text, part.task.title, part.carried.title,
                      part.guest.name, part.guest.nip]
        found[tag] = part
    db.session.commit()
    return session, found


class World:
    """The route-table world: SKPD A and B with a contact each, admin, staff, trainer, the current
    cycle with one SID and one SPD indicator, one outbox row; SKPD A has an innovation with a
    profile document, and its SID item has a file as evidence (files in ``folder``).
    ``users`` maps each route-table role to its user. The joint session of SKPD A and B is
    added on first use of a "{joint_...}" placeholder, the Bimtek event on first use of a
    "{bimtek_...}" one, so the worlds of other tests stay small."""

    def __init__(self, make_user, make_skpd, folder):
        self._make_user, self.joint, self.bimtek = make_user, None, None
        self.skpd = make_skpd(name="Dinas Pertama")
        self.other_skpd = make_skpd(name="Dinas Kedua")
        self.contact = make_user("contact", skpd=self.skpd)
        self.other_contact = make_user("contact", skpd=self.other_skpd)
        self.admin = make_user("admin")
        self.staff = make_user("staff")
        self.trainer = make_user("trainer")
        self.cycle = Cycle(year=2026, name="IID 2026", is_current=True,
                           internal_deadline_on=date(2026, 6, 30))
        self.indicator = Indicator(cycle=self.cycle, code="SID-1", aspect="SID", number=1,
                                   name="Regulasi inovasi daerah", weight=Decimal("1.5"),
                                   levels=[IndicatorLevel(level=1, label="Ada")])
        self.notification = Notification(
            kind="test", recipient_id=self.contact.id, to_email=self.contact.email,
            subject="Pengingat", body_text="Isi", body_html="<p>Isi</p>",
            message_id="<world@example.test>")
        spd = Indicator(cycle=self.cycle, code="SPD-01", aspect="SPD", number=1, name="Visi",
                        weight=Decimal("1"), levels=[IndicatorLevel(level=1, label="Ada")])
        db.session.add_all([self.cycle, self.indicator, spd, self.notification])
        db.session.flush()
        self.innovation = create_innovation(self.skpd, self.cycle, {"name": "Inovasi A"},
                                            self.contact)
        self.item = next(i for i in self.innovation.items if i.indicator_id == self.indicator.id)
        self.evidence = add_file(self.item, *_stored_pdf(folder, "sk.pdf"), self.contact)
        self.document = add_document(self.innovation, "anggaran",
                                     *_stored_pdf(folder, "anggaran.pdf"), self.contact)
        ensure_spd_items(self.cycle)
        db.session.commit()
        self.spd_item = db.session.scalars(
            select(ReportItem).where(ReportItem.innovation_id.is_(None))).one()
        self._add_coaching(folder)
        # Signed with another key: well-formed, never valid.
        self.token = URLSafeTimedSerializer("not-the-app-key", salt="x").dumps({"uid": 1})
        self.users = {
            "anonymous": None, "admin": self.admin, "staff": self.staff,
            "trainer": self.trainer, "contact_own": self.contact,
            "contact_other": self.other_contact,
        }

    def _add_coaching(self, folder):
        """A planned session of SKPD A coached by the trainer, with an attendance row, notes,
        a finding about {item}, a follow-up task from it with an attachment, a closed date;
        the contact has a calendar feed token."""
        self.session = CoachingSession(
            title="Klinik Inovasi Dinas Pertama", skpds=[self.skpd], trainers=[self.trainer],
            starts_at=datetime(2026, 7, 7, 1, 0, tzinfo=timezone.utc),
            ends_at=datetime(2026, 7, 7, 3, 0, tzinfo=timezone.utc), timezone="Asia/Makassar",
            place="Ruang Rapat Bappeda", room="Ruang Rapat 1", agenda="Bukti dukung SID-1",
            cycle=self.cycle, innovations=[self.innovation], created_by_id=self.staff.id)
        self.attendance = Attendance(session=self.session, user_id=self.contact.id,
                                     skpd_id=self.skpd.id, name=self.contact.name)
        self.note = SessionNote(session=self.session, body="Catatan **awal**",
                                private_body="Catatan internal narasumber")
        self.finding = Finding(session=self.session, skpd_id=self.skpd.id,
                               innovation_id=self.innovation.id, item_id=self.item.id,
                               text="SK inovasi belum diunggah")
        self.closed_date = ClosedDate(closed_on=date(2026, 12, 24), name="Cuti bersama Natal")
        db.session.add_all([self.session, self.attendance, self.note, self.finding,
                            self.closed_date])
        db.session.flush()
        self.task = FollowUpTask(
            skpd_id=self.skpd.id, owner_id=self.contact.id, title="Unggah SK inovasi",
            due_on=date(2026, 7, 21), source="session", session_id=self.session.id,
            finding_id=self.finding.id, item_id=self.item.id, created_by_id=self.trainer.id)
        checked, stored = _stored_pdf(folder, "bukti.pdf")
        self.task_attachment = TaskEvent(
            task=self.task, actor_id=self.contact.id, action="comment", comment="Sudah diunggah",
            stored_name=stored, original_name="bukti.pdf", content_type="application/pdf",
            size=checked.size, sha256=checked.sha256)
        self.contact.calendar_token = "feed-token-contact-a-0123456789"
        db.session.add_all([self.task, self.task_attachment])
        db.session.commit()

    def add_joint_session(self):
        """A planned session of SKPD A and B coached by another trainer (not ``trainer``)."""
        if self.joint is None:
            coach = self._make_user("trainer", name="Narasumber Sesi Gabungan")
            session, parts = add_joint_session(
                self.cycle, coach, [(self.skpd, self.contact, "Dinas Pertama"),
                                    (self.other_skpd, self.other_contact, "Dinas Kedua")],
                datetime(2026, 7, 8, 1, 0, tzinfo=timezone.utc))
            self.joint = SimpleNamespace(session=session, coach=coach, a=parts["Dinas Pertama"],
                                         b=parts["Dinas Kedua"])
        return self.joint

    def add_bimtek(self):
        """An open Bimtek event shared by SKPD A and B (the trainer speaks in it), one
        participant of each SKPD, and a draft event (staff only)."""
        if self.bimtek is None:
            deadline = datetime.now(timezone.utc) + timedelta(days=30)
            event = bimtek_services.create_event(
                {"title": "Bimtek Bersama", "room": "Aula Bappeda"},
                [(date(2027, 2, 3), time(8), time(16)), (date(2027, 2, 5), time(8), time(12))],
                self.staff)
            event.status = "open"
            bimtek_services.invite(event, [self.skpd, self.other_skpd], 5, deadline, self.staff)
            item = bimtek_services.add_item(event.days[0], time(9), time(10), "Pembukaan",
                                            "Aula", [{"user_id": self.trainer.id}])
            own, other = event.invitations
            a = bimtek_services.register(own.id, {
                "name": "Peserta Rahasia Dinas Pertama", "position": "Analis",
                "email": "peserta.a@example.test", "whatsapp": "0811"}, self.contact)
            b = bimtek_services.register(other.id, {
                "name": "Peserta Rahasia Dinas Kedua", "position": "Analis",
                "email": "peserta.b@example.test", "whatsapp": "0812"}, self.other_contact)
            draft = bimtek_services.create_event(
                {"title": "Bimtek Draf"}, [(date(2027, 3, 1), time(8), time(12))], self.staff)
            db.session.commit()
            self.bimtek = SimpleNamespace(event=event, draft=draft, item=item, own=own,
                                          other=other, a=a, b=b, token=make_token(a))
        return self.bimtek

    def _bimtek_placeholders(self):
        found = self.bimtek
        if found is None:
            return {}
        return {
            "bimtek_event": found.event.id, "bimtek_draft": found.draft.id,
            "bimtek_item": found.item.id, "bimtek_day": found.event.days[1].id,
            "bimtek_invitation": found.own.id, "bimtek_other_invitation": found.other.id,
            "bimtek_a_participant": found.a.name, "bimtek_b_participant": found.b.name,
            "bimtek_token": found.token, **records_placeholders(found),
            **checkin_placeholders(found)}

    def _joint_placeholders(self):
        if self.joint is None:
            return {}
        values = {"joint_session": self.joint.session.id,
                  "joint_notes": self.joint.session.note.body,
                  "joint_private_notes": self.joint.session.note.private_body}
        for key in ("a", "b"):
            part = getattr(self.joint, key)
            values.update({f"joint_{key}_innovation": part.innovation.name,
                           f"joint_{key}_finding": part.finding.text,
                           f"joint_{key}_task": part.task.title,
                           f"joint_{key}_carried": part.carried.title,
                           f"joint_{key}_guest": part.guest.name,
                           f"joint_{key}_nip": part.guest.nip})
        return values

    @property
    def placeholders(self):
        return self._joint_placeholders() | self._bimtek_placeholders() | {
            "skpd": self.skpd.id, "other_skpd": self.other_skpd.id,
            "contact": self.contact.id, "other_contact": self.other_contact.id,
            "staff": self.staff.id, "admin": self.admin.id, "trainer": self.trainer.id,
            "cycle": self.cycle.id, "indicator": self.indicator.id,
            "notification": self.notification.id, "token": self.token,
            "innovation": self.innovation.id, "document": self.document.id,
            "item": self.item.id, "evidence": self.evidence.id, "spd_item": self.spd_item.id,
            "session": self.session.id, "attendance": self.attendance.id,
            "finding": self.finding.id, "closed_date": self.closed_date.id,
            "task": self.task.id, "task_attachment": self.task_attachment.id,
            "feed_token": self.contact.calendar_token,
        }

    def fill(self, value):
        """Replace "{name}" placeholders in a value (a whole placeholder keeps its type)."""
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if not isinstance(value, str):
            return value
        names = set(re.findall(r"\{([a-z_]+)\}", value))
        if self.joint is None and any(name.startswith("joint_") for name in names):
            self.add_joint_session()
        if self.bimtek is None and any(name.startswith("bimtek_") for name in names):
            self.add_bimtek()
        values = self.placeholders
        unknown = names - set(values)
        if unknown:
            raise LookupError(f"unknown placeholder(s) {sorted(unknown)}: add them to World "
                              "in tests/conftest.py")
        if value.startswith("{") and value.endswith("}") and value[1:-1] in values:
            return values[value[1:-1]]
        for key, replacement in values.items():
            value = value.replace("{" + key + "}", str(replacement))
        return value


@pytest.fixture
def world(app, make_user, make_skpd, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return World(make_user, make_skpd, app.config["UPLOAD_FOLDER"])


# -- reporting fixtures: the IID 2026 catalogue, two SKPD contacts, an innovation -----------------

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue"


@pytest.fixture
def uploads_dir(app, tmp_path):
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def cycle(app):
    """The shipped IID 2026 catalogue as the current cycle."""
    data = yaml.safe_load((CATALOGUE / "iid-2026.yaml").read_text(encoding="utf-8"))
    cycle = load_catalogue(data, 2026)
    make_current(cycle)
    db.session.commit()
    return cycle


@pytest.fixture
def contact(cycle, make_user, make_skpd):
    return make_user("contact", skpd=make_skpd(name="Dinas Kesehatan"), name="Operator Dinkes")


@pytest.fixture
def other_contact(cycle, make_user, make_skpd):
    return make_user("contact", skpd=make_skpd(name="Dinas Pendidikan"), name="Operator Disdik")


@pytest.fixture
def staff(make_user):
    return make_user("staff", name="Staf Bappeda")


@pytest.fixture
def innovation(cycle, contact):
    inn = create_innovation(contact.skpd, cycle, {"name": "Sistem Antrean Puskesmas",
                                                  "main_urusan": "Kesehatan"}, contact)
    db.session.commit()
    return inn


@pytest.fixture
def login(app):
    """A fresh client logged in as ``user`` (several people at once need several clients)."""

    def login_(user):
        client = app.test_client()
        AuthActions(client).login_as(user)
        return client

    return login_


@pytest.fixture
def url(app):
    """url_for outside a request: ``url("coaching.detail", session_id=1)``."""

    def url_(endpoint, **values):
        with app.test_request_context():
            return url_for(endpoint, **values)

    return url_


@pytest.fixture
def sink():
    """The SMTP server on loopback at tests.smtp_sink.SMTP_PORT (see its MAIL config)."""
    with running_sink(SMTP_PORT) as (handler, _port):
        yield handler


def count_queries(client, url):
    """The number of SQL statements a GET of ``url`` runs (it must answer 200), nothing cached."""
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    db.session.expunge_all()
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements)


@pytest.fixture
def route_table():
    return load_route_table()


def route_url(app, world, row):
    """The URL of a route-table row, placeholders filled from the world."""
    with app.test_request_context():
        return url_for(row["endpoint"], **world.fill(row.get("args") or {}))


@pytest.fixture
def request_route(app, world):
    """Request one route-table row as one role in a new client; return the response."""

    def request_(row, role, **kwargs):
        client = app.test_client()
        user = world.users[role]
        if user is not None:
            AuthActions(client).login_as(user)
        return client.open(route_url(app, world, row), method=row.get("method", "GET").upper(),
                           data=world.fill(row.get("data") or {}), **kwargs)

    return request_


@pytest.fixture
def make_bimtek(app):
    """``make(invite=[(skpd, quota)], deadline_at=..., status="open")``: a two-day event."""

    def make(invite=(), deadline_at=None, status="open", title="Bimtek Inovasi Daerah 2026",
             days=((date(2026, 7, 15), time(8, 0), time(16, 0)),
                   (date(2026, 7, 16), time(8, 0), time(12, 0)))):
        event = bimtek_services.create_event({"title": title, "venue": "Hotel Kindai",
                                              "venue_address": "Jl. Lambung Mangkurat"},
                                             list(days), None)
        event.status = status
        deadline_at = deadline_at or datetime(2026, 7, 10, 8, 0, tzinfo=timezone.utc)
        for skpd, quota in invite:
            bimtek_services.invite(event, [skpd], quota, deadline_at, None)
        db.session.commit()
        return event

    return make
