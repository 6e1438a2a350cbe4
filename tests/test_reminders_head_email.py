"""SKPDs without a head e-mail: their escalations go to Bappeda (tests/test_reminders_planner),
and the SKPD list and the staff home page flag them; the demo SKPDs all have one."""
from sqlalchemy import func, select

from clinic.admin.models import Skpd
from clinic.demo.admin import seed_accounts
from clinic.extensions import db


def test_skpd_list_flags_active_skpds_without_head_email(client, auth, world):
    world.skpd.head_email = None
    world.other_skpd.head_email = "kepala@dinas-kedua.example"
    db.session.commit()
    auth.login_as(world.staff)
    page = client.get("/admin/skpd/").get_data(as_text=True)
    assert "1 Perangkat Daerah aktif belum memiliki e-mail kepala" in page
    rows = page.split("<tr>")
    row_a = next(r for r in rows if f"/admin/skpd/{world.skpd.id}\"" in r)
    row_b = next(r for r in rows if f"/admin/skpd/{world.other_skpd.id}\"" in r)
    assert "Tanpa e-mail kepala" in row_a and "Tanpa e-mail kepala" not in row_b


def test_staff_home_names_the_skpds_without_head_email(client, auth, world):
    world.skpd.head_email = None
    world.other_skpd.head_email = "kepala@dinas-kedua.example"
    db.session.commit()
    auth.login_as(world.staff)
    page = client.get("/").get_data(as_text=True)
    flag = page.split('class="alert alert-warning no-head-email"', 1)[1].split("</div>", 1)[0]
    assert "1 Perangkat Daerah belum memiliki e-mail kepala" in flag
    assert (world.skpd.short_name or world.skpd.name) in flag
    assert (world.other_skpd.short_name or world.other_skpd.name) not in flag
    world.skpd.head_email = "kepala@dinas-pertama.example"
    db.session.commit()
    assert "no-head-email" not in client.get("/").get_data(as_text=True)


def test_demo_skpds_all_have_a_head_address(app):
    seed_accounts()
    db.session.commit()
    missing = db.session.scalar(select(func.count(Skpd.id)).where(
        (Skpd.head_email.is_(None)) | (Skpd.head_email == "")))
    assert missing == 0
    assert db.session.scalar(select(func.count(Skpd.id))) > 20
