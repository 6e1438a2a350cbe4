"""One-click unsubscribe: signed links without login, RFC 8058 POST, and the profile setting."""
import pytest
from itsdangerous import URLSafeSerializer

from clinic.extensions import db
from clinic.reminders import preferences


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _path(user, kind="digest"):
    return f"/berhenti-langganan/{preferences.make_token(user, kind)}"


def test_get_shows_a_confirmation_page_and_changes_nothing(client, make_user):
    contact = make_user("contact")
    response = client.get(_path(contact))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ya, berhenti berlangganan" in page and contact.email in page
    db.session.refresh(contact)
    assert contact.digest_frequency == "daily"


def test_one_click_post_without_csrf_token_switches_off(client, make_user, csrf_on):
    contact = make_user("contact")
    response = client.post(_path(contact, "session_reminder"),
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Selesai" in response.get_data(as_text=True)
    db.session.refresh(contact)
    assert contact.digest_frequency == "off"
    assert not preferences.wants(contact, "monday_summary")
    assert preferences.wants(contact, "escalation")  # mandatory kinds always arrive


def test_the_link_in_a_digest_works(client, make_user):
    contact = make_user("contact")
    url = preferences.unsubscribe_url(contact, "digest")
    assert url.startswith("http://localhost/berhenti-langganan/")
    assert client.post(url.removeprefix("http://localhost")).status_code == 200
    db.session.refresh(contact)
    assert contact.digest_frequency == "off"


@pytest.mark.parametrize("token", [
    "rusak",
    URLSafeSerializer("not-the-app-key", salt=preferences.SALT).dumps({"u": 1, "k": "digest"}),
])
def test_bad_token_is_a_404_with_a_clear_message(client, make_user, token):
    make_user("contact")
    for response in (client.get(f"/berhenti-langganan/{token}"),
                     client.post(f"/berhenti-langganan/{token}")):
        assert response.status_code == 404
        assert "Tautan berhenti berlangganan tidak valid" in response.get_data(as_text=True)


def test_mandatory_kinds_have_no_token(app, client, make_user):
    contact = make_user("contact")
    assert preferences.unsubscribe_url(contact, "escalation") is None
    forged = URLSafeSerializer(app.config["SECRET_KEY"], salt=preferences.SALT).dumps(
        {"u": contact.id, "k": "escalation"})
    assert client.post(f"/berhenti-langganan/{forged}").status_code == 404


def test_profile_saves_the_digest_preference(client, auth, make_user):
    contact = make_user("contact")
    auth.login_as(contact)
    page = client.get("/account").get_data(as_text=True)
    assert "Mingguan (Senin)" in page and "eskalasi selalu dikirim" in page
    response = client.post("/account", data={
        "name": contact.name, "locale": "id", "timezone": "", "digest_frequency": "weekly"})
    assert response.status_code == 302
    db.session.refresh(contact)
    assert contact.digest_frequency == "weekly"
