"""Pages on a phone (360 x 740): what is urgent on the first screen, pages of bounded height."""
from tests.browser.conftest import login

SCREEN = {"width": 360, "height": 740}
MAX_HOME_HEIGHT = 3.5 * SCREEN["height"]  # 6,214 px before


def _on_first_screen(locator, what):
    assert locator.count() >= 1, f"{what} missing"
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        assert box is not None, f"{what} #{index} is hidden"
        bottom = box["y"] + box["height"]
        assert bottom <= SCREEN["height"], f"{what} #{index} ends at {bottom:.0f}px"


def test_contact_home_leads_with_overdue_tasks_and_next_clinic(page_factory, demo):
    # The busiest demo SKPD: 11 returned items, 30+ incomplete, overdue tasks, a clinic ahead.
    page = page_factory(**SCREEN)
    login(page, demo["contact"], demo["password"])
    _on_first_screen(page.locator("main .status-overdue"), "overdue task")
    _on_first_screen(page.get_by_text("Sesi pendampingan berikutnya"), "next clinic")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MAX_HOME_HEIGHT, f"home is {height}px tall at 360px"
    # The rest is there, grouped by innovation and collapsed: one tap opens a group.
    groups = page.locator("main details.todo-group")
    assert groups.count() >= 2
    first = groups.first
    assert first.locator("li").first.is_hidden()
    first.locator("summary").click()
    assert first.locator("li").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    assert page.problems == []


def test_pickers_fit_a_phone(page_factory, demo):
    page = page_factory(**SCREEN)
    login(page, "staff@demo.test", demo["password"])
    page.goto("/coaching/new")
    picker = page.locator("select[name=skpds] + .ts-wrapper .ts-control")
    picker.click()
    page.keyboard.type("Kesehatan")
    page.locator("#skpds-ts-dropdown .option").filter(has_text="Kesehatan").first.click()
    assert page.locator("select[name=skpds] option:checked").count() == 1
    box = picker.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= SCREEN["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    assert page.problems == []
