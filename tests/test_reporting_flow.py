"""Innovations create their items; the item status flow, history and conflicts."""
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import event, func, select

from clinic.catalogue.services import load_catalogue
from clinic.extensions import db
from clinic.reporting import engine, projection
from clinic.reporting.models import Evidence, ItemStatus, ReportItem
from clinic.reporting.queries import profile_problems
from clinic.reporting.services import (
    ConflictError, ReportingError, add_link, create_innovation, ensure_spd_items,
    remove_evidence, resubmit_innovation, return_item, save_item, submit_item, verify_item,
)

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue"


@pytest.fixture
def innovation(cycle, make_user):
    contact = make_user(role="contact")
    inn = create_innovation(contact.skpd, cycle, {"name": "Sistem Antrean Puskesmas",
                                                  "main_urusan": "Kesehatan"}, contact)
    db.session.commit()
    return inn


def item_of(innovation, code):
    return next(i for i in innovation.items if i.indicator.code == code)


def test_an_innovation_gets_one_item_per_sid_indicator(innovation, cycle):
    sid = [i for i in cycle.indicators if i.aspect == "SID"]
    assert len(innovation.items) == len(sid) == 20
    assert {i.skpd_id for i in innovation.items} == {innovation.skpd_id}
    assert all(i.status == ItemStatus.EMPTY for i in innovation.items)


def test_spd_items_are_created_once(cycle):
    ensure_spd_items(cycle)
    ensure_spd_items(cycle)
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(ReportItem)
                              .where(ReportItem.innovation_id.is_(None)))
    assert count == 20
    assert db.session.scalar(select(ReportItem.skpd_id).limit(1)) is None  # Bappeda's own


def test_status_flow_with_history(innovation, make_user):
    contact = make_user(role="contact", skpd=innovation.skpd)
    staff = make_user(role="staff")
    item = item_of(innovation, "SID-16")
    save_item(item, 2, "SK Kepala Daerah", contact)
    assert item.status == ItemStatus.DRAFT
    with pytest.raises(ReportingError):
        submit_item(item, contact)  # a level without evidence cannot be submitted
    add_link(item, "https://example.go.id/sk.pdf", contact)
    submit_item(item, contact)
    assert item.status == ItemStatus.SUBMITTED
    with pytest.raises(ReportingError):
        return_item(item, "  ", staff)  # a reason is required
    return_item(item, "SK tidak menyebut nama inovasi", staff)
    assert item.status == ItemStatus.RETURNED and item.return_reason
    save_item(item, 1, "SK Kepala Perangkat Daerah", contact)
    submit_item(item, contact)
    verify_item(item, staff)
    assert item.status == ItemStatus.VERIFIED
    # editing verified evidence sends it back to review: with a second link it stays submitted
    add_link(item, "https://example.go.id/sk-lampiran.pdf", contact)
    assert item.status == ItemStatus.SUBMITTED
    verify_item(item, staff)
    remove_evidence(item.current_evidence[0], contact)
    assert item.status == ItemStatus.SUBMITTED
    # removing the last evidence leaves a level worth 0: back to draft, nothing to verify
    remove_evidence(item.current_evidence[0], contact)
    assert item.status == ItemStatus.DRAFT
    db.session.commit()
    actions = [e.action for e in reversed(item.events)]
    assert actions == ["saved", "link_added", "submitted", "returned", "saved", "submitted",
                       "verified", "reopened", "link_added", "verified", "reopened",
                       "evidence_removed", "evidence_removed"]
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 2  # kept in history


def test_second_editor_gets_a_conflict_and_nothing_changes(innovation, make_user):
    contact = make_user(role="contact", skpd=innovation.skpd)
    item = item_of(innovation, "SID-17")
    opened_version = item.version_id
    save_item(item, 1, "first", contact, expected_version=opened_version)
    db.session.commit()
    with pytest.raises(ConflictError):
        save_item(item, 3, "second", contact, expected_version=opened_version)
    db.session.rollback()
    assert (item.level, item.note) == (1, "first")


def test_profile_checks(innovation, cycle):
    innovation.design_text = "kata " * 120
    innovation.implemented_on = date(2023, 5, 1)
    problems = [str(p) for p in profile_problems(innovation, cycle)]
    assert any("120 kata" in p and "300" in p for p in problems)
    assert any("Waktu penerapan" in p for p in problems)
    assert any("tujuan" in p for p in problems)
    innovation.developed_on = date(2025, 3, 1)
    innovation.development_note = "Versi daring"
    assert not any("Waktu penerapan" in str(p) for p in profile_problems(innovation, cycle))


def test_submit_again_copies_into_a_new_cycle(innovation, cycle, make_user):
    data = yaml.safe_load((CATALOGUE / "iid-2023.yaml").read_text(encoding="utf-8"))
    old_cycle = load_catalogue(data, 2023)
    db.session.flush()
    innovation.cycle = old_cycle
    db.session.flush()
    with pytest.raises(ReportingError):
        resubmit_innovation(innovation, cycle, "", make_user())
    copy = resubmit_innovation(innovation, cycle, "Ditambah fitur SMS", make_user())
    db.session.commit()
    assert copy.cycle_id == cycle.id and copy.previous_id == innovation.id
    assert copy.name == innovation.name and len(copy.items) == 20


def test_score_queries_do_not_grow_with_data(cycle, make_user, make_skpd):
    def count_queries(fn):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    contact = make_user(role="contact")
    create_innovation(contact.skpd, cycle, {"name": "A", "main_urusan": "Kesehatan"}, contact)
    ensure_spd_items(cycle)
    db.session.commit()
    db.session.expire_all()
    few = count_queries(lambda: projection.city_breakdown(cycle))
    few_engine = count_queries(lambda: engine.city_score(cycle).ranked())
    for n in range(6):
        other = make_user(role="contact")
        inn = create_innovation(other.skpd, cycle, {"name": f"B{n}"}, other)
        add_link(inn.items[0], "https://example.go.id/x", other)
    ensure_spd_items(cycle)
    db.session.commit()
    db.session.expire_all()
    many = count_queries(lambda: projection.city_breakdown(cycle))
    assert many == few
    many_engine = count_queries(lambda: engine.city_score(cycle).ranked())
    assert many_engine == few_engine
