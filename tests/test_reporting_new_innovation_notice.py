"""The new-innovation form says that an empty innovation lowers the city's claimed index."""
import html

from sqlalchemy import event, select

from clinic.extensions import db
from clinic.reporting.engine import city_score
from clinic.reporting.models import Innovation
from clinic.reporting.scoring import round2
from clinic.reporting.services import add_link, create_innovation, save_item


def _reported(cycle, contact, n):
    """``n`` innovations, each with its video (SID-35) reported at level 2: claimed points."""
    for k in range(n):
        innovation = create_innovation(contact.skpd, cycle, {"name": f"Inovasi {k + 1}"},
                                       contact)
        item = next(i for i in innovation.items if i.indicator.code == "SID-35")
        add_link(item, f"https://youtube.example.go.id/v/{k}", contact)
        save_item(item, 2, None, contact)
    db.session.commit()


def _shown(value):
    return f"{value:.2f}".replace(".", ",")


def _page(client):
    return html.unescape(client.get("/innovations/new").get_data(as_text=True))


def test_past_the_divisor_the_form_names_the_points_lost(cycle, contact, login):
    _reported(cycle, contact, cycle.divisor_min)  # n = divisor: the next one raises it
    client = login(contact)
    page = _page(client)
    before = city_score(cycle).claimed.index
    assert "Inovasi baru langsung masuk hitungan indeks kota." in page
    response = client.post("/innovations/new", data={"name": "Inovasi Kosong"})
    assert response.status_code == 302
    after = city_score(cycle).claimed.index
    assert after < before
    assert (f"pembagi naik dari {cycle.divisor_min} menjadi {cycle.divisor_min + 1}, sehingga "
            f"indeks klaim kota turun sekitar {_shown(round2(before - after))} poin sampai "
            f"indikatornya diisi") in page


def test_below_the_divisor_the_form_says_the_index_does_not_drop(cycle, contact, login):
    _reported(cycle, contact, 2)
    page = _page(login(contact))
    assert "Inovasi baru langsung masuk hitungan indeks kota." in page
    assert (f"jumlah inovasi (3) belum melampaui pembagi minimum {cycle.divisor_min}") in page
    assert "turun sekitar" not in page


def test_staff_see_it_too_and_the_edit_form_does_not(cycle, contact, staff, login):
    _reported(cycle, contact, 1)
    assert "divisor-notice" in _page(login(staff))
    innovation = db.session.scalars(select(Innovation)).one()
    edit = login(contact).get(f"/innovations/{innovation.id}/edit").get_data(as_text=True)
    assert "Ubah profil inovasi" in edit and "divisor-notice" not in edit


def _statements(client):
    client.get("/innovations/new")  # the score cache is filled once per data version
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/innovations/new").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_notice_costs_the_same_queries_whatever_the_number_of_innovations(cycle, contact,
                                                                               login):
    _reported(cycle, contact, 1)
    client = login(contact)
    few = _statements(client)
    _reported(cycle, contact, 14)
    assert _statements(client) == few
