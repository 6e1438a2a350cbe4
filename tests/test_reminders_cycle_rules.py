"""The reminder rules on the cycle edit page: shown, validated, saved and audited."""
from datetime import date, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from clinic.audit import AuditEvent
from clinic.catalogue.models import Cycle, PredicateBand
from clinic.extensions import db


@pytest.fixture
def cycle(app):
    cycle = Cycle(year=2026, name="IID 2026", is_current=True, target_predicate="Inovatif",
                  internal_deadline_on=date(2026, 7, 31),
                  bands=[PredicateBand(name="Inovatif", floor=Decimal("40"))])
    db.session.add(cycle)
    db.session.commit()
    return cycle


@pytest.fixture
def staff(auth, make_user):
    user = make_user("staff")
    auth.login_as(user)
    return user


def _form(cycle, **changes):
    data = {
        "year": "2026", "name": cycle.name, "internal_deadline_on": "2026-07-31",
        "portal_opens_on": "", "portal_closes_on": "", "divisor_min": "12",
        "basic_service_min": "5", "basic_service_urusan": "", "count_points": "0,38",
        "count_cap": "200", "index_max": "250", "implementation_from_on": "",
        "implementation_to_on": "", "design_min_words": "300", "target_predicate": "Inovatif",
        "timezone": "Asia/Makassar", "notes": "",
        "bands-0-name": "Inovatif", "bands-0-floor": "40",
        "reminders_enabled": "y", "digest_at": "08:00", "digest_task_days": "3",
        "digest_session_days": "2", "session_reminder_day_before": "y",
        "session_reminder_hours": "2", "countdown_days": "14, 7, 3, 1",
        "escalation_overdue_days": "7", "escalation_weekday": "0", "summary_weekday": "0",
    }
    data.update(changes)
    return data


def test_page_shows_the_rules_with_defaults(client, staff, cycle):
    page = client.get(f"/admin/cycles/{cycle.id}/").get_data(as_text=True)
    assert "Pengingat" in page and 'value="08:00"' in page and 'value="14, 7, 3, 1"' in page


def test_rules_are_saved_and_audited(client, staff, cycle):
    response = client.post(f"/admin/cycles/{cycle.id}/", data=_form(
        cycle, digest_at="07.30", digest_task_days="5", session_reminder_hours="3",
        countdown_days="10,3, 1, 3", escalation_weekday="4", summary_weekday="1",
        session_reminder_day_before=""))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    saved = db.session.get(Cycle, cycle.id)
    assert saved.digest_at == time(7, 30) and saved.digest_task_days == 5
    assert saved.session_reminder_hours == 3 and saved.countdown_days == [10, 3, 1]
    assert saved.escalation_weekday == 4 and saved.summary_weekday == 1
    assert saved.session_reminder_day_before is False and saved.reminders_enabled is True
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cycle_updated")
                               ).all()[-1]
    assert event.changes["digest_at"] == ["08:00:00", "07:30:00"]


@pytest.mark.parametrize("field,value", [
    ("session_reminder_hours", "24"), ("session_reminder_hours", "-1"),
    ("digest_task_days", "-2"), ("countdown_days", "14, 0"), ("countdown_days", "7, tiga"),
    ("digest_at", "25:00"), ("digest_at", ""), ("escalation_weekday", "9"),
])
def test_invalid_rules_are_refused(client, staff, cycle, field, value):
    response = client.post(f"/admin/cycles/{cycle.id}/", data=_form(cycle, **{field: value}))
    assert response.status_code == 200
    assert "Perubahan belum disimpan" in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Cycle, cycle.id)
    assert saved.digest_at == time(8, 0) and saved.session_reminder_hours == 2


def test_a_post_without_the_rules_keeps_them(client, staff, cycle):
    data = {k: v for k, v in _form(cycle, notes="Tanpa aturan").items()
            if k not in ("reminders_enabled", "digest_at", "digest_task_days",
                         "digest_session_days", "session_reminder_day_before",
                         "session_reminder_hours", "countdown_days", "escalation_overdue_days",
                         "escalation_weekday", "summary_weekday")}
    assert client.post(f"/admin/cycles/{cycle.id}/", data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Cycle, cycle.id)
    assert saved.notes == "Tanpa aturan" and saved.reminders_enabled is True


def test_empty_countdown_means_none(client, staff, cycle):
    assert client.post(f"/admin/cycles/{cycle.id}/",
                       data=_form(cycle, countdown_days="")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).countdown_days == []
