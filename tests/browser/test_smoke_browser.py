"""Every role's home page renders in Chromium at phone width without script errors."""
import pytest

from clinic.auth.models import User
from clinic.extensions import db
from tests.browser.conftest import login

PASSWORD = "Rahasia-Kota-2026"


@pytest.fixture(scope="module")
def people(live_app):
    from clinic.admin.models import Skpd

    with live_app.app_context():
        skpd = Skpd(code="SMOKE", name="Dinas Uji Peramban", short_name="Uji")
        db.session.add(skpd)
        users = {}
        for role in ("admin", "staff", "trainer", "contact"):
            user = User(email=f"smoke.{role}@example.test", name=f"Uji {role}", role=role,
                        skpd=skpd if role == "contact" else None)
            user.set_password(PASSWORD)
            db.session.add(user)
            users[role] = user.email
        db.session.commit()
    return users


@pytest.mark.parametrize("role", ["admin", "staff", "trainer", "contact"])
def test_home_at_phone_width(page_factory, people, role):
    page = page_factory(width=360, height=740)
    login(page, people[role], PASSWORD)
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.title()
    # Nothing wider than the screen: tables scroll inside their box, forms are one column.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide at 360px"
    assert page.problems == []
