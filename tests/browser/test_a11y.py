"""axe-core on the key pages of every role: no serious or critical violation (WCAG AA included).

axe-core is served from this folder (tests/browser/vendor/axe.min.js, axe-core 4.11.0 from npm,
with its licence), injected into each page after it loads; the app never serves it.
"""
from pathlib import Path

import pytest

from tests.browser.conftest import login

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")


def pages_of(role, demo):
    """The key pages of ``role``, as paths, from the demo city's ids."""
    d = demo
    common = ["/", "/coaching/", "/coaching/calendar", "/tindak-lanjut/", "/account"]
    return {
        "admin": ["/", "/admin/users/", "/admin/users/new", "/admin/skpd/",
                  f"/admin/skpd/{d['skpd_id']}", "/admin/outbox/", "/admin/cycles/",
                  "/admin/audit/"],
        "staff": common + ["/innovations/", f"/innovations/{d['innovation_id']}",
                           f"/items/{d['item_id']}", "/review/", "/score/",
                           f"/score/skpd/{d['skpd_id']}", f"/coaching/{d['session_id']}",
                           "/coaching/new", f"/coaching/{d['session_id']}/edit",
                           f"/tindak-lanjut/{d['task_id']}", "/tindak-lanjut/new",
                           f"/tindak-lanjut/{d['task_id']}/edit", "/admin/outbox/"],
        "trainer": common + [f"/coaching/{d['session_id']}",
                             f"/coaching/{d['session_id']}/notes",
                             f"/coaching/{d['session_id']}/attendance"],
        "contact": common + ["/innovations/", f"/innovations/{d['innovation_id']}",
                             "/innovations/new",
                             f"/items/{d['item_id']}", "/score/",
                             f"/coaching/{d['contact_session_id']}",
                             f"/tindak-lanjut/{d['task_id']}"],
    }[role]


ACCOUNTS = {"admin": "admin@demo.test", "staff": "staff@demo.test",
            "trainer": "trainer@demo.test"}


def axe_violations(page):
    """Run axe-core on the loaded page; return its serious and critical violations, readable."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"][:5]:
            found.append(f"{page.url}: {violation['impact']} {violation['id']} "
                         f"({violation['help']}) at {node['target']}: "
                         f"{node.get('failureSummary', '').splitlines()[-1:]}")
    return found


def test_login_page_has_no_serious_violation(page_factory, demo):
    page = page_factory(bypass_csp=True)  # to inject axe-core
    for locale_page in ("/login", "/password/forgot"):
        page.goto(locale_page)
        assert axe_violations(page) == []


@pytest.mark.parametrize("role", ["admin", "staff", "trainer", "contact"])
def test_key_pages_have_no_serious_violation(page_factory, demo, role):
    page = page_factory(bypass_csp=True)  # to inject axe-core
    login(page, ACCOUNTS.get(role, demo["contact"]), demo["password"])
    found = []
    for path in pages_of(role, demo):
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status} to {role}"
        found += axe_violations(page)
    assert not found, "\n" + "\n".join(found)
    assert page.problems == []


def test_phone_width_and_english_have_no_serious_violation(page_factory, demo):
    """The collapsed menu opened, the English pages and the language button at 360 px."""
    page = page_factory(width=360, height=740, bypass_csp=True)
    login(page, demo["contact"], demo["password"])
    page.get_by_role("button", name="Buka menu").click()
    page.get_by_role("button", name="English").wait_for()
    found = axe_violations(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    try:
        for path in ("/", "/tindak-lanjut/", f"/items/{demo['item_id']}"):
            page.goto(path)
            found += axe_violations(page)
    finally:  # the choice is saved on the account: give the other tests Indonesian back
        page.goto("/")
        page.get_by_role("button", name="Open menu").click()
        page.get_by_role("button", name="Bahasa Indonesia").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "id"
    assert not found, "\n" + "\n".join(found)
    assert page.problems == []
