"""A digest people read: it leads with the few things that matter most, counts the rest with one
link to the to-do list, fits a phone screen, costs the same queries for 5 or 70 open things, and
an SKPD with nothing open gets none."""
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import event, select

from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from clinic.outbox.models import Notification
from clinic.reminders.planner import run_due
from clinic.reminders.planner.digests import LEAD, digest_for
from clinic.reporting.services.innovations import create_innovation
from tests.test_reminders_digest import MONDAY, MONDAY_8, _session, _task

UTC = timezone.utc


def _load(world, innovations, tasks, sessions):
    """SKPD A with ``innovations`` more innovations (one empty SID item each, two of them
    returned), ``tasks`` overdue tasks and ``sessions`` sessions in the next two days."""
    world.task.due_on = date(2026, 8, 30)
    for n in range(innovations):
        innovation = create_innovation(world.skpd, world.cycle, {"name": f"Inovasi {n:02d}"},
                                       world.contact)
        db.session.flush()
        if n < 2:
            (item,) = innovation.items
            item.status, item.level, item.return_reason = "returned", 1, f"Alasan {n}"
    db.session.commit()
    for n in range(tasks):
        _task(world, world.skpd, f"Tugas terlambat {n:02d}", MONDAY - timedelta(days=n + 1))
    for n in range(sessions):
        _session(world, world.skpd, f"Sesi {n}", MONDAY_8 + timedelta(hours=26 + n))
    return world


def _digest_row(world):
    with time_machine.travel(MONDAY_8, tick=False):
        run_due(MONDAY_8)
    db.session.commit()
    return db.session.scalars(select(Notification).where(
        Notification.kind == "digest", Notification.recipient_id == world.contact.id)).one()


def test_a_digest_of_74_things_leads_with_seven_and_counts_the_rest(world):
    _load(world, innovations=40, tasks=30, sessions=3)
    digest = digest_for(world.contact, MONDAY, MONDAY_8, world.cycle)
    assert digest.count >= 74
    assert digest.shown == sum(LEAD.values()) == 7
    assert [f.item.return_reason for f in digest.returned] == ["Alasan 0", "Alasan 1"]
    # The oldest overdue tasks first, the next session, the items worth most points.
    assert [t.title for t in digest.tasks] == ["Tugas terlambat 29", "Tugas terlambat 28"]
    assert [s.title for s in digest.sessions] == [world.session.title]  # tomorrow 09.00
    assert len(digest.incomplete) == 2
    points = [f.gain for f in digest.incomplete]
    assert points == sorted(points, reverse=True)
    row = _digest_row(world)
    body = row.body_text
    assert f"Dan {digest.rest} hal lainnya di daftar tugas Anda: http://localhost/" in body
    assert f"{digest.count} hal perlu ditindaklanjuti" in row.subject
    # Fits a phone screen: a few dozen short lines, not 74 entries.
    assert body.count("\n- ") == 7 and len(body.splitlines()) <= 36
    assert "Tugas terlambat 00" not in body and "Sesi 0" not in body
    # Order: returned, tasks, the next session, then the items worth most points.
    order = [body.index(text) for text in ("Alasan 0", "Tugas terlambat 29", world.session.title,
                                           "POIN INDEKS TERBESAR")]
    assert order == sorted(order)


def test_query_count_does_not_grow_with_what_is_open(app, world):
    def queries(innovations, tasks, sessions, contact):
        _load(world, innovations, tasks, sessions)
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            digest_for(contact, MONDAY, MONDAY_8, world.cycle)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = queries(2, 2, 1, world.contact)
    many = queries(30, 25, 2, world.contact)
    assert many <= few


def test_an_skpd_with_nothing_open_gets_no_digest_even_with_a_session(world):
    world.item.status = "submitted"
    world.spd_item.skpd_id = None
    world.task.due_on = date(2026, 9, 1)
    db.session.commit()
    assert world.session.starts_at < MONDAY_8 + timedelta(days=2)  # tomorrow's session
    assert digest_for(world.contact, MONDAY, MONDAY_8, world.cycle) is None
    with time_machine.travel(MONDAY_8, tick=False):
        assert run_due(MONDAY_8)["digest"] == 0


def test_a_short_digest_lists_everything_and_counts_nothing_more(world):
    world.task.due_on = date(2026, 8, 30)
    db.session.commit()
    digest = digest_for(world.contact, MONDAY, MONDAY_8, world.cycle)
    assert digest.rest == 0
    body = _digest_row(world).body_text
    assert "hal lainnya" not in body and "Semua tugas Anda: http://localhost/" in body
