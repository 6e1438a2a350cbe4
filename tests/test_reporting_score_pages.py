"""The score pages (/score/, /score/skpd/<id>) and the contact's to-do list."""
from datetime import date
from decimal import Decimal

import pytest
from flask import render_template

from clinic.auth.models import User
from clinic.catalogue.models import Cycle
from clinic.extensions import db
from clinic.main.todo import todo_for_contact
from clinic.reporting import engine, projection, scoring
from clinic.reporting.models import ItemStatus
from clinic.reporting.routes.score import _breakdown
from clinic.reporting.services import (
    add_link, create_innovation, ensure_spd_items, return_item, save_item, submit_item,
    verify_item,
)
from clinic.reporting.fixes import ranked_fixes
from conftest import count_queries

IN_WINDOW = date(2025, 3, 1)


def item_of(innovation, code):
    return next(i for i in innovation.items if i.indicator.code == code)


def fill(item, actor, staff, level, status):
    """Bring an item to ``status`` through the services, as the people would."""
    save_item(item, level, f"Catatan {item.indicator.code}", actor)
    if status == ItemStatus.DRAFT:
        return
    add_link(item, f"https://data.banjarmasinkota.go.id/bukti/{item.id}.pdf", actor)
    submit_item(item, actor)
    if status == ItemStatus.VERIFIED:
        verify_item(item, staff)
    elif status == ItemStatus.RETURNED:
        return_item(item, "SK belum ditandatangani", staff)


def innovation(skpd, cycle, contact, staff, name, urusan, plan):
    inn = create_innovation(skpd, cycle, {"name": name, "main_urusan": urusan,
                                          "implemented_on": IN_WINDOW}, contact)
    for code, (level, status) in plan.items():
        fill(item_of(inn, code), contact, staff, level, status)
    return inn


MANDATORY_VERIFIED = {code: (2, ItemStatus.VERIFIED)
                      for code in ("SID-16", "SID-17", "SID-32", "SID-33", "SID-35")}


@pytest.fixture
def city(cycle, make_skpd, make_user):
    """SKPD A (two innovations), B (one), C (none); a contact for each; a staff member."""
    a = make_skpd(code="DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    b = make_skpd(code="DPUPR", name="Dinas Pekerjaan Umum dan Penataan Ruang",
                  short_name="DPUPR")
    c = make_skpd(code="DISNAKER", name="Dinas Tenaga Kerja", short_name="Disnaker")
    staff = make_user("staff")
    contacts = {s.code: make_user("contact", skpd=s) for s in (a, b, c)}
    ca, cb = contacts["DINKES"], contacts["DPUPR"]
    pandai = innovation(a, cycle, ca, staff, "Si Pandai Dinkes", "Kesehatan", {
        **MANDATORY_VERIFIED,
        "SID-18": (3, ItemStatus.RETURNED),
        "SID-19": (2, ItemStatus.DRAFT),  # a level without evidence
        "SID-31": (3, ItemStatus.SUBMITTED),
    })
    posyandu = innovation(a, cycle, ca, staff, "Posyandu Apung Sungai", "Kesehatan", {
        "SID-16": (1, ItemStatus.RETURNED),
    })
    sungai = innovation(b, cycle, cb, staff, "Banjarmasin Smart Sungai",
                        "Pekerjaan Umum dan Penataan Ruang", {
                            **MANDATORY_VERIFIED, "SID-28": (3, ItemStatus.VERIFIED)})
    ensure_spd_items(cycle)
    db.session.commit()
    return {"a": a, "b": b, "c": c, "staff": staff, "contacts": contacts,
            "pandai": pandai, "posyandu": posyandu, "sungai": sungai}


def ind(value):
    """A figure as the Indonesian pages print it: '60,72'."""
    return f"{scoring.round2(value):,}".replace(",", "_").replace(".", ",").replace("_", ".")


def test_staff_sees_the_city_page(client, auth, city, cycle):
    result = projection.city_breakdown(cycle)
    auth.login_as(city["staff"])
    response = client.get("/score/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Skor Klaim" in body and "Skor Terverifikasi" in body
    assert ind(result["claimed"].index) in body and ind(result["verified"].index) in body
    assert "Sangat Inovatif" in body and "65,01" in body
    # every SKPD, also the one without an innovation
    for code in ("DINKES", "DPUPR", "DISNAKER"):
        assert code in body
    # the basic-service urusan, the missing ones included
    assert "Pendidikan" in body and "Belum tercakup" in body
    # the best fix first, linked to its item, with its gain
    fixes = ranked_fixes(engine.city_score(cycle))
    best, last = fixes[0], fixes[19]
    assert f"+{ind(best.gain)} poin indeks" in body
    assert body.index(f'/items/{best.item.id}"') < body.index(f'/items/{last.item.id}"')
    assert f'/items/{fixes[20].item.id}"' not in body  # the top 20 only


def test_skpd_contributions_add_up_to_the_city_sid(city, cycle):
    data = _breakdown(cycle)
    result = {scoring.CLAIMED: data["score"].claimed, scoring.VERIFIED: data["score"].verified}
    for version, attr in ((scoring.CLAIMED, "claimed_points"),
                          (scoring.VERIFIED, "verified_points")):
        total = sum((getattr(f, attr) for f in data["per_skpd"].values()), Decimal(0))
        assert abs(total - result[version].sid) < Decimal("1e-20")
    a = data["per_skpd"][city["a"].id]
    # A: two innovations x 20 items, plus nothing from SPD (all SPD items stay with Bappeda)
    assert (a.innovations, a.items) == (2, 40)
    assert (a.submitted, a.verified, a.returned, a.complete) == (1, 5, 2, 6)
    # Posyandu misses its mandatory indicators: it is not counted, so it adds no verified points
    posyandu = city["posyandu"].id
    assert not data["score"].verified_of[posyandu].counted
    assert data["score"].share(posyandu, scoring.VERIFIED) == 0
    assert city["c"].id not in data["per_skpd"]


def test_contact_sees_only_own_skpd(client, auth, city, cycle):
    auth.login_as(city["contacts"]["DINKES"])
    body = client.get("/score/").get_data(as_text=True)
    assert "Si Pandai Dinkes" in body and "Posyandu Apung Sungai" in body
    for leak in ("DPUPR", "Banjarmasin Smart Sungai", "DISNAKER", "Disnaker",
                 "Dinas Pekerjaan Umum", "Dinas Tenaga Kerja"):
        assert leak not in body, leak
    # only own items are linked
    own_items = {i.id for inn in (city["pandai"], city["posyandu"]) for i in inn.items}
    other_items = {i.id for i in city["sungai"].items}
    for item_id in other_items - own_items:
        assert f'/items/{item_id}"' not in body
    own = client.get(f"/score/skpd/{city['a'].id}")
    assert own.status_code == 200 and "Si Pandai Dinkes" in own.get_data(as_text=True)


def test_contact_gets_404_for_another_skpd(client, auth, city):
    auth.login_as(city["contacts"]["DPUPR"])
    response = client.get(f"/score/skpd/{city['a'].id}")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Si Pandai Dinkes" not in body and "DINKES" not in body


def test_staff_opens_any_skpd_and_trainers_are_refused(client, auth, city, make_user):
    auth.login_as(city["staff"])
    body = client.get(f"/score/skpd/{city['b'].id}").get_data(as_text=True)
    assert "Banjarmasin Smart Sungai" in body and "Si Pandai Dinkes" not in body
    empty = client.get(f"/score/skpd/{city['c'].id}")
    assert empty.status_code == 200 and "belum mendaftarkan inovasi" in empty.get_data(as_text=True)
    assert client.get("/score/skpd/999999").status_code == 404
    assert client.get("/score/?cycle=1999").status_code == 404
    auth.logout()
    auth.login_as(make_user("trainer"))
    assert client.get("/score/").status_code == 403
    assert client.get(f"/score/skpd/{city['a'].id}").status_code == 403


def test_pages_without_a_current_cycle(client, auth, make_user):
    staff = make_user("staff")
    auth.login_as(staff)
    assert "Belum ada siklus" in client.get("/score/").get_data(as_text=True)
    auth.logout()
    auth.login_as(make_user("contact"))
    response = client.get("/score/")
    assert response.status_code == 200 and "Belum ada siklus" in response.get_data(as_text=True)


def test_english_locale_formats_numbers_the_english_way(client, auth, city, cycle):
    result = projection.city_breakdown(cycle)
    auth.login_as(city["staff"])
    client.post("/lang/en", data={"next": "/score/"})
    body = client.get("/score/").get_data(as_text=True)
    assert f"{scoring.round2(result['verified'].index)}" in body  # "12.34", not "12,34"


# -- a fixed number of queries --------------------------------------------------------------------

def grow(cycle, make_skpd, make_user, staff, count):
    for n in range(count):
        skpd = make_skpd()
        contact = make_user("contact", skpd=skpd)
        innovation(skpd, cycle, contact, staff, f"Inovasi Tambahan {n}", "Sosial", {
            **MANDATORY_VERIFIED, "SID-20": (1, ItemStatus.RETURNED),
            "SID-21": (2, ItemStatus.SUBMITTED)})
    spd = [i for i in projection.load(cycle)[1]][:3]
    for item in spd:
        fill(item, staff, staff, 3, ItemStatus.VERIFIED)
    db.session.commit()


@pytest.mark.parametrize("who", ["staff", "contact"])
def test_query_count_does_not_grow_with_data(client, auth, city, cycle, make_skpd, make_user, who):
    user = city["staff"] if who == "staff" else city["contacts"]["DINKES"]
    staff_id, cycle_id = city["staff"].id, cycle.id
    auth.login_as(user)
    urls = ["/score/", f"/score/skpd/{city['a'].id}"]
    few = [count_queries(client, url) for url in urls]
    # 8 more SKPDs with an innovation each (160 more items), three SPD items verified
    grow(db.session.get(Cycle, cycle_id), make_skpd, make_user, db.session.get(User, staff_id), 8)
    many = [count_queries(client, url) for url in urls]
    assert many == few, (few, many)


# -- the contact's to-do list ---------------------------------------------------------------------

def test_todo_lists_returned_first_then_incomplete_by_points(city, cycle):
    contact = city["contacts"]["DINKES"]
    todo = todo_for_contact(contact, cycle)
    kinds = [entry.kind for entry in todo]
    returned = todo.of_kind("returned")
    incomplete = todo.of_kind("incomplete")
    assert kinds == ["returned"] * len(returned) + ["incomplete"] * len(incomplete)
    # both returned items (Si Pandai's SID-18, Posyandu's SID-16), with the reason
    assert {(e.fix.innovation.name, e.fix.indicator.code) for e in returned} == {
        ("Si Pandai Dinkes", "SID-18"), ("Posyandu Apung Sungai", "SID-16")}
    assert all(e.reason == "SK belum ditandatangani" for e in returned)
    # returned ranked between themselves too
    assert [e.fix.gain for e in returned] == sorted((e.fix.gain for e in returned), reverse=True)
    # incomplete: empty or draft only (submitted and verified are not the contact's to do),
    # best first, at most ten, the rest counted
    assert all(e.fix.status in (ItemStatus.EMPTY, ItemStatus.DRAFT) for e in incomplete)
    gains = [e.fix.gain for e in incomplete]
    assert gains == sorted(gains, reverse=True) and len(incomplete) == 10
    # 2 x 20 items: 5 verified + 1 submitted + 2 returned are not incomplete
    assert todo.more == 40 - 8 - 10
    # only own SKPD: never DPUPR's innovation
    assert all(e.fix.skpd.id == city["a"].id for e in todo)
    # exactly the projection's ranking of this SKPD's fixes, narrowed to what the contact can do
    city_order = [f.item.id for f in ranked_fixes(engine.city_score(cycle), {city["a"].id})
                  if f.status in (ItemStatus.EMPTY, ItemStatus.DRAFT)]
    assert [e.fix.item.id for e in incomplete] == city_order[:10]


def test_todo_includes_assigned_spd_items_and_nothing_for_others(city, cycle, make_user):
    from clinic.reporting.services import assign_spd_item

    spd_item = projection.load(cycle)[1][0]
    assign_spd_item(spd_item, city["b"], city["staff"])
    db.session.commit()
    todo_b = todo_for_contact(city["contacts"]["DPUPR"], cycle, limit=100)
    assert spd_item.id in {e.fix.item.id for e in todo_b}
    todo_a = todo_for_contact(city["contacts"]["DINKES"], cycle, limit=100)
    assert spd_item.id not in {e.fix.item.id for e in todo_a}
    assert not todo_for_contact(city["staff"], cycle)
    no_cycle = todo_for_contact(city["contacts"]["DINKES"], None)
    assert not no_cycle and not no_cycle.has_cycle
    empty = todo_for_contact(city["contacts"]["DISNAKER"], cycle)
    assert not empty and not empty.has_innovations


def test_todo_partial_renders_entries_and_empty_states(app, city, cycle):
    contact = city["contacts"]["DINKES"]
    todo = todo_for_contact(contact, cycle)
    with app.test_request_context("/"):
        html = render_template("main/_todo.html", todo=todo)
        first, last = todo.entries[0], todo.entries[-1]
        assert "Alasan pengembalian" in html and "SK belum ditandatangani" in html
        assert html.index(f'/items/{first.fix.item.id}"') < html.index(
            f'/items/{last.fix.item.id}"')
        assert f"+{ind(last.fix.gain)} poin indeks" in html
        assert f"dan {todo.more} butir lain" in html
        assert "Banjarmasin Smart Sungai" not in html
        none = render_template("main/_todo.html",
                               todo=todo_for_contact(city["contacts"]["DISNAKER"], cycle))
        assert "Belum ada inovasi" in none and "/innovations/new" in none
        closed = render_template("main/_todo.html",
                                 todo=todo_for_contact(city["contacts"]["DISNAKER"], None))
        assert "Belum ada siklus" in closed and "/innovations/new" not in closed
    # everything submitted: nothing to do, a different empty state
    for item in city["sungai"].items:
        if item.status in (ItemStatus.EMPTY, ItemStatus.DRAFT):
            fill(item, city["contacts"]["DPUPR"], city["staff"], 1, ItemStatus.SUBMITTED)
    db.session.commit()
    done = todo_for_contact(city["contacts"]["DPUPR"], cycle)
    assert not done and done.has_innovations
    with app.test_request_context("/"):
        html = render_template("main/_todo.html", todo=done)
        assert "Tidak ada yang perlu Anda kerjakan" in html


@pytest.mark.app_config(ITEMS_PER_PAGE=2)
def test_city_page_lists_the_skpds_a_page_at_a_time(client, auth, city, cycle):
    auth.login_as(city["staff"])

    def listed(body):
        return {code for code in ("DINKES", "DISNAKER", "DPUPR")
                if f'<span class="text-muted small">{code}</span>' in body}

    first = client.get("/score/").get_data(as_text=True)
    second = client.get("/score/?cycle=2026&page=2").get_data(as_text=True)
    assert listed(first) == {"DINKES", "DISNAKER"} and listed(second) == {"DPUPR"}
    assert "Menampilkan 1-2 dari 3" in first and "Menampilkan 3-3 dari 3" in second
    assert 'href="/score/?page=2&amp;cycle=2026"' in first or \
        'href="/score/?cycle=2026&amp;page=2"' in first
