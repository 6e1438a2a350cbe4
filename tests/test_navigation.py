"""The navigation bar: entries per role, the administration drop-down, one active entry."""
import re


def _nav(client):
    html = client.get("/coaching/calendar").get_data(as_text=True)
    return html[html.index('id="mainnav"'):html.index("</nav>")]


def test_staff_get_the_administration_menu(client, auth, make_user):
    auth.login_as(make_user("staff"))
    nav = _nav(client)
    assert "Administrasi" in nav and 'class="dropdown-menu"' in nav
    menu = nav[nav.index('class="dropdown-menu"'):]
    for label in ("Perangkat Daerah", "Kotak Keluar", "Penjadwal", "Log Audit"):
        assert label in menu
    assert re.findall(r'class="[^"]*\bactive\b[^"]*"[^>]*>([^<]+)<', nav) == ["Jadwal Klinik"]


def test_contacts_see_their_work_and_no_administration(client, auth, make_user):
    auth.login_as(make_user("contact"))
    nav = _nav(client)
    for label in ("Inovasi", "Jadwal Klinik", "Tindak Lanjut", "Skor IID"):
        assert f">{label}<" in nav
    assert "Administrasi" not in nav and "Kotak Keluar" not in nav and "Verifikasi" not in nav


def test_the_page_of_a_menu_entry_marks_its_group_active(client, auth, make_user):
    auth.login_as(make_user("staff"))
    html = client.get("/admin/outbox/scheduler").get_data(as_text=True)
    nav = html[html.index('id="mainnav"'):html.index("</nav>")]
    assert re.search(r'dropdown-toggle active"[^>]*>Administrasi<', nav)
    active = re.findall(r'dropdown-item active"[^>]*>([^<]+)<', nav)
    assert active == ["Penjadwal"]  # not "Kotak Keluar", which shares the blueprint
