"""Searchable pickers (Tom Select, served from static/vendor/): type, pick, submit; the item
picker narrowed to the chosen innovation; the page keeps its CSP (no console error)."""
import re

from sqlalchemy import select

from clinic.coaching.models import CoachingSession, Finding
from clinic.extensions import db
from clinic.reporting.models import Innovation
from tests.browser.conftest import login

FINDING = "Bukti dukung regulasi belum memuat nomor peraturan"


def _pick(page, select_id, typed, want=None):
    """Type into the picker of <select id=select_id>; take the option offered that contains
    ``want`` (default: the first)."""
    page.locator(f"#{select_id} + .ts-wrapper .ts-control").click()
    page.locator(f"#{select_id}-ts-dropdown").wait_for()  # open, the input has the focus
    page.keyboard.type(typed)
    options = page.locator(f"#{select_id}-ts-dropdown .option")
    # Only what matches every typed word is offered.
    page.wait_for_function(
        "([id, words]) => { const o = [...document.querySelectorAll(`#${id}-ts-dropdown .option`)];"
        " return o.length && o.every(e => words.every("
        "   w => e.textContent.toLowerCase().includes(w))); }",
        arg=[select_id, typed.lower().split()], timeout=10000)
    option = (options.filter(has_text=want) if want else options).first
    label = option.inner_text()
    option.click()
    return label


def test_finding_item_picker_searches_and_narrows_by_innovation(page_factory, live_app, demo):
    with live_app.app_context():
        session = db.session.get(CoachingSession, demo["open_session_id"])
        innovation = db.session.scalars(select(Innovation).where(
            Innovation.skpd_id.in_([s.id for s in session.skpds]),
            Innovation.cycle_id == session.cycle_id).order_by(Innovation.id)).first()
        innovation_id, innovation_name = innovation.id, innovation.name
        item = sorted(innovation.items, key=lambda i: i.id)[1]
        item_id, code = item.id, item.indicator.code
    page = page_factory()
    login(page, "trainer@demo.test", demo["password"])
    page.goto(f"/coaching/{demo['open_session_id']}")
    form = page.locator(f"form[action='/coaching/{demo['open_session_id']}/findings']")
    form.locator("textarea[name=text]").fill(FINDING)
    items = form.locator("select[name=item_id]")
    everything = items.locator("option").count()
    # Both selects became pickers; the plain selects are still in the form (what is submitted).
    assert form.locator(".ts-wrapper").count() == 2

    _pick(page, "finding-new-innovation_id", innovation_name[:12], innovation_name)
    assert form.locator("select[name=innovation_id]").input_value() == str(innovation_id)
    narrowed = items.locator("option").evaluate_all(
        "els => els.map(o => o.getAttribute('data-narrow-value'))")
    assert 1 < len(narrowed) < everything
    assert set(narrowed) == {None, str(innovation_id)}  # "none", and this innovation's items

    label = _pick(page, "finding-new-item_id", code)
    assert code in label
    assert items.input_value() == str(item_id)
    with page.expect_navigation():
        form.get_by_role("button", name="Tambah temuan").click()
    page.get_by_text("Temuan tersimpan.").wait_for()
    finding = page.locator("#temuan li.list-group-item").filter(has_text=FINDING)
    assert re.search(re.escape(code), finding.inner_text())
    with live_app.app_context():
        saved = db.session.scalars(select(Finding).where(Finding.text == FINDING)).one()
        assert (saved.innovation_id, saved.item_id) == (innovation_id, item_id)
    assert page.problems == []


def test_pickers_work_without_javascript(browser, live_app, demo):
    """The same form with scripts off: plain selects, and the server takes the choice."""
    context = browser.new_context(base_url=live_app.config["BASE_URL"], java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, "trainer@demo.test", demo["password"])
        page.goto(f"/coaching/{demo['open_session_id']}")
        form = page.locator(f"form[action='/coaching/{demo['open_session_id']}/findings']")
        assert form.locator(".ts-wrapper").count() == 0
        items = form.locator("select[name=item_id]")
        assert items.is_visible()
        form.locator("textarea[name=text]").fill(FINDING + " (tanpa JavaScript)")
        item_id = items.locator("option[data-narrow-value]").last.get_attribute("value")
        items.select_option(item_id)
        form.get_by_role("button", name="Tambah temuan").click()
        page.get_by_text("Temuan tersimpan.").wait_for()
        with live_app.app_context():
            saved = db.session.scalars(select(Finding).where(
                Finding.text == FINDING + " (tanpa JavaScript)")).one()
            assert saved.item_id == int(item_id)
    finally:
        context.close()


def test_session_form_multi_selects_are_searchable(page_factory, demo):
    page = page_factory()
    login(page, "staff@demo.test", demo["password"])
    page.goto("/coaching/new")
    for name in ("skpds", "trainers", "innovations"):
        assert page.locator(f"select[name={name}] + .ts-wrapper").count() == 1, name
    label = _pick(page, "skpds", "Kesehatan")
    assert "Kesehatan" in label
    assert page.locator("select[name=skpds] option:checked").count() == 1
    assert page.problems == []


def test_review_filter_pickers_search_without_firing_shortcuts(page_factory, demo):
    """The review queue's SKPD and indicator filters (35+ and 41 options) are pickers; typing
    "n", "j", "k" or "v" in their search field stays in the field (review.js does not jump to
    the first item); the filter form still submits the chosen values."""
    page = page_factory()
    login(page, "staff@demo.test", demo["password"])
    page.goto("/review/")
    form = page.locator("form[role=search]")
    assert form.locator("select[data-picker] + .ts-wrapper").count() == 2
    label = _pick(page, "skpd_id", "dinkes")  # n, k: the queue's "n j" and "k" shortcuts
    assert "Dinkes" in label
    skpd_id = form.locator("select[name=skpd_id]").input_value()
    assert skpd_id
    page.locator("#code + .ts-wrapper .ts-control").click()
    page.keyboard.type("jvk")  # no option matches: the field keeps the keys
    assert page.url.endswith("/review/")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        form.get_by_role("button", name="Saring").click()
    assert f"skpd_id={skpd_id}" in page.url
    assert form.locator("select[name=skpd_id]").input_value() == skpd_id
    assert page.problems == []


def test_filter_pickers_on_every_big_filter(page_factory, demo):
    page = page_factory()
    login(page, "staff@demo.test", demo["password"])
    for path, name in (("/coaching/", "skpd"), ("/coaching/calendar", "skpd"),
                       ("/innovations/", "skpd"), ("/review/", "code")):
        page.goto(path)
        assert page.locator(f"select[name={name}] + .ts-wrapper").count() == 1, path
    assert page.problems == []
    admin = page_factory()
    login(admin, "admin@demo.test", demo["password"])
    admin.goto("/admin/users/")
    assert admin.locator("select[name=skpd] + .ts-wrapper").count() == 1
    assert admin.problems == []


def test_review_filter_submits_without_javascript(browser, live_app, demo):
    """Scripts off: the filters are plain selects in a closed fold; one tap opens it and the
    form submits the choice."""
    context = browser.new_context(base_url=live_app.config["BASE_URL"], java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, "staff@demo.test", demo["password"])
        page.goto("/review/")
        assert page.locator(".ts-wrapper").count() == 0
        page.get_by_text("Saringan dan pencarian").click()
        form = page.locator("form[role=search]")
        form.locator("select[name=skpd_id]").select_option(str(demo["skpd_id"]))
        form.get_by_role("button", name="Saring").click()
        page.wait_for_url(f"**skpd_id={demo['skpd_id']}**")
        assert form.locator("select[name=skpd_id]").input_value() == str(demo["skpd_id"])
        assert page.locator("details.filter-fold").get_attribute("open") is not None
    finally:
        context.close()
