"""Reviewing in Chromium: the evidence PDF renders inside the item page under its sandbox CSP,
and the keyboard shortcuts move through the queue (never while typing)."""
import io
from pathlib import Path

import pytest
import yaml
from PIL import Image
from werkzeug.datastructures import FileStorage

from clinic import uploads
from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.catalogue.services import load_catalogue
from clinic.extensions import db
from clinic.reporting.services import add_file, create_innovation, save_item, submit_item
from tests.browser.conftest import login

PASSWORD = "Rahasia-Kota-2026"
CATALOGUE = Path(__file__).resolve().parents[2] / "data" / "catalogue" / "iid-2026.yaml"
PDF_VIEWER = "mhjfbmdgcfjbbpaeojofohoefgiehjai"  # Chromium's built-in PDF viewer extension


def pdf_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buffer, "PDF")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def reviewed(live_app):
    """Two submitted items, each with a PDF, in a cycle of its own (never the current one)."""
    with live_app.app_context():
        data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
        data["cycle"] = {**data["cycle"], "year": 2031, "name": "IID 2031 (uji pratinjau)"}
        cycle = load_catalogue(data, 2031)
        skpd = Skpd(code="INLINE", name="Dinas Uji Pratinjau", short_name="Pratinjau")
        db.session.add(skpd)
        people = {}
        for role in ("staff", "contact"):
            user = User(email=f"inline.{role}@example.test", name=f"Pratinjau {role}",
                        role=role, skpd=skpd if role == "contact" else None)
            user.set_password(PASSWORD)
            db.session.add(user)
            people[role] = user
        db.session.flush()
        innovation = create_innovation(skpd, cycle, {"name": "Pratinjau Bukti"},
                                       people["contact"])
        ids = []
        for code in ("SID-16", "SID-17"):
            item = next(i for i in innovation.items if i.indicator.code == code)
            save_item(item, 1, None, people["contact"])
            with uploads.inspect_upload(FileStorage(io.BytesIO(pdf_bytes()),
                                                    filename=f"{code}.pdf")) as checked:
                stored = uploads.store(checked, live_app.config["UPLOAD_FOLDER"])
                add_file(item, checked, stored, people["contact"])
            submit_item(item, people["contact"])
            ids.append(item.id)
        db.session.commit()
        return {"staff": people["staff"].email, "items": ids}


def test_pdf_renders_in_the_page_and_shortcuts_walk_the_queue(page_factory, reviewed):
    page = page_factory()
    login(page, reviewed["staff"], PASSWORD)
    first, second = reviewed["items"]
    page.goto(f"/items/{first}?status=all")
    page.wait_for_timeout(1500)  # the PDF viewer loads in its own frames
    assert any(PDF_VIEWER in frame.url for frame in page.frames), [f.url for f in page.frames]
    assert page.problems == []  # no CSP violation, no script error
    # typing a "v" in the reason field types it, and verifies nothing
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "reason"
    page.keyboard.type("v")
    assert page.input_value("textarea[name=reason]") == "v"
    assert page.url.endswith(f"/items/{first}?status=all")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("n")
    page.wait_for_url(f"**/items/{second}?status=all")
    page.keyboard.press("k")
    page.wait_for_url(f"**/items/{first}?status=all")
    with page.expect_navigation():
        page.keyboard.press("v")
    page.wait_for_load_state()
    assert page.url.endswith(f"/items/{second}?status=all")
    assert "diverifikasi" in page.content()
    assert page.problems == []
