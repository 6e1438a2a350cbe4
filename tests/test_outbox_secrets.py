"""Issue 9.1: no link that grants access rests in the outbox or shows on any page.

A password reset, an invitation and an unsubscribe link are made at delivery; the stored rows
and every page staff and admins can reach carry none, staff cannot cancel or resend someone
else's access mail nor mail to an admin, and the delivered mail still works for its owner.
"""
import importlib
import re
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from clinic.auth.models import User
from clinic.auth.passwords import INVITE, RESET, user_for_token
from clinic.auth.services import send_invitation
from clinic.outbox.services import send_email
from clinic.extensions import db
from clinic.reminders import preferences
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification, OutboxStatus
from clinic.secret_links import secret_link
from tests.smtp_sink import MAIL


# Reminder kinds are delivered only inside office hours (clinic.reminders.staleness): these
# tests write and deliver on a Tuesday morning, WITA, whatever the clock says.
OFFICE_MORNING = datetime(2026, 7, 7, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def office_morning():
    with time_machine.travel(OFFICE_MORNING, tick=True):
        yield

# Anything shaped like an itsdangerous token (payload.signature or payload.time.signature).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]{4,}){1,2}")
HREF = re.compile(r"""(?:href|src)=["']([^"'#]+)""")
SECRET_PATHS = ("/password/reset/", "/invitation/", "/berhenti-langganan/")


def usable(token):
    """Whether ``token`` opens anything: a password form or an unsubscribe link."""
    return bool(user_for_token(token, RESET) or user_for_token(token, INVITE)
                or preferences.read_token(token))


@pytest.fixture
def mailed(app, client, world, make_user, make_skpd):
    """The world with a reset asked for the admin, an invitation and an unsubscribable mail."""
    assert client.post("/password/forgot", data={"email": world.admin.email}).status_code == 302
    invited = make_user("contact", skpd=world.skpd, password=None)
    send_invitation(invited, world.admin)
    send_email("deadline_countdown", world.contact, "7 hari lagi",
               secret_links=["unsubscribe"], unsubscribe_url=secret_link("unsubscribe"),
               days=7, deadline=world.cycle.internal_deadline_on, fixes=[], points=0,
               link="http://localhost/")
    db.session.commit()
    world.invited = invited
    return world


def rows_of(kind):
    return db.session.scalars(select(Notification).where(Notification.kind == kind)).all()


def test_stored_rows_hold_placeholders_not_links(mailed):
    for row in db.session.scalars(select(Notification)):
        stored = " ".join(filter(None, (row.body_text, row.body_html, row.subject,
                                        str(row.attachments or ""))))
        assert not any(path in stored for path in SECRET_PATHS), row.kind
        assert not any(usable(t) for t in TOKEN_SHAPE.findall(stored)), row.kind
    (reset,) = rows_of("password_reset")
    assert reset.links == {"password_reset"} and reset.grants_access
    assert "[[secret:password_reset]]" in reset.body_text


def crawl(client, start, limit_per_endpoint=3, limit=250):
    """Every page reachable by GET from ``start`` (a few per endpoint), with its body."""
    adapter = client.application.url_map.bind("localhost")
    seen, queue, per_endpoint, pages = set(), list(start), {}, {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or not path.startswith("/") or path.startswith("/static/"):
            continue
        seen.add(url)
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except Exception:  # noqa: BLE001 - not a route of ours (or not GET): skip it
            continue
        if endpoint == "auth.logout" or per_endpoint.get(endpoint, 0) >= limit_per_endpoint:
            continue
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        response = client.get(url)
        body = response.get_data(as_text=True) if response.mimetype.startswith("text") else ""
        pages[url] = body
        for link in HREF.findall(body):
            queue.append(urljoin(url, link.replace("&amp;", "&")))
    return pages


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_no_page_reachable_by_staff_or_admin_gives_a_usable_token(mailed, login, role):
    client = login(mailed.users[role])
    ids = [row.id for row in db.session.scalars(select(Notification))]
    start = ["/", "/admin/outbox/", f"/admin/outbox/?q={mailed.admin.email}",
             "/admin/outbox/?kind=password_reset", "/admin/audit/", "/admin/users/"]
    start += [f"/admin/outbox/{i}" for i in ids] + [f"/admin/outbox/{i}/html" for i in ids]
    pages = crawl(client, start, limit_per_endpoint=len(ids) + 4)
    assert len(pages) > 20 and all(f"/admin/outbox/{i}" in pages for i in ids)
    for url, body in pages.items():
        assert not any(path in body for path in SECRET_PATHS[:2]), url
        assert not any(usable(t) for t in TOKEN_SHAPE.findall(body)), url
    reset_page = pages[f"/admin/outbox/{rows_of('password_reset')[0].id}"]
    assert mailed.admin.email in reset_page and "tautan rahasia" in reset_page


def test_staff_cannot_cancel_or_resend_someone_elses_access_mail(mailed, login):
    staff = login(mailed.staff)
    (reset,) = rows_of("password_reset")
    (invitation,) = rows_of("invitation")
    for row in (reset, invitation):
        for action in ("cancel", "resend"):
            assert staff.post(f"/admin/outbox/{row.id}/{action}").status_code == 403
        page = staff.get(f"/admin/outbox/{row.id}").get_data(as_text=True)
        assert "Batalkan pengiriman" not in page and "Kirim ulang" not in page
    admin = login(mailed.admin)
    # Nor may an admin keep an invitation from its owner.
    assert admin.post(f"/admin/outbox/{invitation.id}/cancel").status_code == 403
    db.session.expire_all()
    assert {reset.status, invitation.status} == {OutboxStatus.PENDING}


def test_mail_to_an_admin_is_for_admins_to_cancel(mailed, login):
    row = send_email("password_reset", mailed.admin, "Pemberitahuan", link="http://localhost/")
    db.session.commit()
    assert login(mailed.staff).post(f"/admin/outbox/{row.id}/cancel").status_code == 403
    db.session.expire_all()
    assert row.status == OutboxStatus.PENDING
    assert login(mailed.admin).post(f"/admin/outbox/{row.id}/cancel").status_code == 302
    db.session.expire_all()
    assert row.status == OutboxStatus.CANCELLED
    # Staff still handle ordinary mail to everyone else.
    (digest,) = rows_of("deadline_countdown")
    assert login(mailed.staff).post(f"/admin/outbox/{digest.id}/cancel").status_code == 302


@pytest.mark.app_config(**MAIL)
def test_delivered_invitation_works_and_no_link_rests_afterwards(app, mailed, sink):
    assert deliver_pending()["sent"] == 4  # the world's own mail too
    by_recipient = {m["rcpt_tos"][0]: m["message"] for m in sink.messages}
    body = by_recipient[mailed.invited.email].get_body(("plain",)).get_content()
    token = re.search(r"http://localhost/invitation/(\S+)", body).group(1)
    assert user_for_token(token, INVITE) == mailed.invited
    html = by_recipient[mailed.invited.email].get_body(("html",)).get_content()
    assert f"/invitation/{token}" in html
    for row in db.session.scalars(select(Notification)):
        assert token not in (row.body_text + (row.body_html or "") + (row.last_error or ""))


@pytest.mark.app_config(**MAIL)
def test_a_link_for_a_deactivated_or_readdressed_account_is_never_sent(mailed, sink):
    mailed.admin.is_active = False
    mailed.invited.email = "alamat-baru@example.test"
    db.session.commit()
    deliver_pending()
    db.session.expire_all()
    (reset,) = rows_of("password_reset")
    (invitation,) = rows_of("invitation")
    assert reset.status == invitation.status == OutboxStatus.FAILED
    assert "no longer active" in reset.last_error
    delivered_to = {address for m in sink.messages for address in m["rcpt_tos"]}
    assert delivered_to == {mailed.contact.email}  # the world's mail and the countdown


@pytest.mark.app_config(**MAIL)
def test_a_placeholder_typed_into_a_mail_is_not_filled(make_user, sink):
    user = make_user()
    send_email("password_reset", user, "Catatan", link=secret_link("password_reset"))
    db.session.commit()
    deliver_pending()
    body = sink.messages[0]["message"].get_body(("plain",)).get_content()
    assert "[[secret:password_reset]]" in body and "/password/reset/" not in body


def test_a_secret_link_is_never_sent_in_copy(make_user):
    with pytest.raises(ValueError):
        send_email("password_reset", make_user(), "x", cc="staf@example.test",
                   link=secret_link("password_reset"), secret_links=["password_reset"])


def test_the_migration_scrubs_links_written_before_it():
    migration = importlib.import_module(
        "migrations.versions.3c1f0a9d7b21_outbox_secret_links_made_at_send_time")
    found = set()
    text = ("Buka http://127.0.0.1:5000/password/reset/eyJ1aWQiOjF9.Zx.abc dalam 2 jam\n"
            "Berhenti: <a href=\"https://kota.go.id/berhenti-langganan/eyJ1Ijo.sig\">x</a>")
    scrubbed = migration._scrub(text, found)
    assert found == {"password_reset", "unsubscribe"}
    assert "eyJ" not in scrubbed and "[[secret:password_reset]] dalam" in scrubbed
    assert 'href="[[secret:unsubscribe]]"' in scrubbed


def test_the_stored_calendar_feed_key_opens_nothing(app, client, world):
    stored = db.session.execute(
        select(User.__table__.c.calendar_token).where(User.id == world.contact.id)).scalar_one()
    assert stored and stored not in world.contact.calendar_token
    assert client.get(f"/coaching/feed/{stored}.ics").status_code == 404
    assert client.get(f"/coaching/feed/{world.contact.calendar_token}.ics").status_code == 200
    forged = URLSafeSerializer("not-the-app-key", salt="calendar-feed").dumps(
        [world.contact.id, stored])
    assert client.get(f"/coaching/feed/{forged}.ics").status_code == 404
    world.contact.is_active = False
    db.session.commit()
    assert client.get(f"/coaching/feed/{world.contact.calendar_token}.ics").status_code == 404
