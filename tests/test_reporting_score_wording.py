"""Score wording: a fix that adds nothing says why instead of "+0,00 poin indeks", and the
score pages name the innovations without points that lower the claimed index."""
from datetime import date

from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.catalogue.models import Cycle
from clinic.extensions import db
from clinic.reporting import engine, scoring
from clinic.reporting.models import ItemStatus
from clinic.reporting.services import create_innovation
from conftest import count_queries
from test_reporting_score_pages import IN_WINDOW, MANDATORY_VERIFIED, fill, item_of

OUT_OF_WINDOW = date(2012, 1, 1)


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(page, anchor):
    return page.split(f'id="{anchor}"', 1)[1] if f'id="{anchor}"' in page else ""


def test_fixes_that_add_nothing_say_why(cycle, make_skpd, make_user, login):
    skpd = make_skpd(code="DISHUB", name="Dinas Perhubungan", short_name="Dishub")
    contact, staff = make_user("contact", skpd=skpd), make_user("staff")
    # implemented long before the cycle's window: it is never counted in the verified index
    old = create_innovation(skpd, cycle, {"name": "Parkir Lama", "main_urusan": "Perhubungan",
                                          "implemented_on": OUT_OF_WINDOW}, contact)
    fill(item_of(old, "SID-16"), contact, staff, 2, ItemStatus.SUBMITTED)
    # in the window, but its other mandatory indicators are missing
    new = create_innovation(skpd, cycle, {"name": "Halte Pintar", "main_urusan": "Perhubungan",
                                          "implemented_on": IN_WINDOW}, contact)
    fill(item_of(new, "SID-16"), contact, staff, 2, ItemStatus.SUBMITTED)
    db.session.commit()
    assert all(entry.gain == 0 for entry in engine.city_score(cycle).ranked())
    for client, url in ((login(staff), "/score/"), (login(contact), "/score/"),
                        (login(staff), f"/score/skpd/{skpd.id}")):
        fixes = section(page_of(client, url), "perbaikan")
        assert fixes, url
        assert "+0,00 poin indeks" not in fixes, url
        assert "waktu penerapan inovasi di luar rentang siklus" in fixes, url
        assert ("inovasi ini baru dihitung setelah indikator wajib SID-17, SID-32, SID-33, "
                "SID-35 juga terverifikasi") in fixes, url


def test_a_fix_that_adds_points_still_shows_them(cycle, make_skpd, make_user, login):
    skpd = make_skpd(code="DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    contact, staff = make_user("contact", skpd=skpd), make_user("staff")
    inn = create_innovation(skpd, cycle, {"name": "Si Pandai", "main_urusan": "Kesehatan",
                                          "implemented_on": IN_WINDOW}, contact)
    for code, (level, status) in MANDATORY_VERIFIED.items():
        fill(item_of(inn, code), contact, staff, level, status)
    fill(item_of(inn, "SID-18"), contact, staff, 3, ItemStatus.SUBMITTED)
    db.session.commit()
    fixes = section(page_of(login(staff), "/score/"), "perbaikan")
    assert "poin indeks</strong>" in fixes and "+0,00 poin indeks" not in fixes


def empty_town(cycle, make_skpd, make_user, empties=1):
    """Divisor 1: Si Pandai (reported, claimed points) and ``empties`` innovations registered
    with nothing reported, in another SKPD."""
    cycle.divisor_min = 1
    a = make_skpd(code="DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    b = make_skpd(code="DISHUB", name="Dinas Perhubungan", short_name="Dishub")
    ca, cb, staff = make_user("contact", skpd=a), make_user("contact", skpd=b), make_user("staff")
    pandai = create_innovation(a, cycle, {"name": "Si Pandai", "main_urusan": "Kesehatan",
                                          "implemented_on": IN_WINDOW}, ca)
    for code, (level, status) in MANDATORY_VERIFIED.items():
        fill(item_of(pandai, code), ca, staff, level, status)
    empty = [create_innovation(b, cycle, {"name": f"Inovasi Kosong {n}",
                                          "main_urusan": "Perhubungan"}, cb)
             for n in range(empties)]
    db.session.commit()
    return {"a": a, "b": b, "ca": ca, "cb": cb, "staff": staff, "pandai": pandai,
            "empty": empty}


def test_empty_innovations_that_lower_the_claimed_index_are_named(cycle, make_skpd, make_user,
                                                                  login):
    town = empty_town(cycle, make_skpd, make_user)
    empty = town["empty"][0]
    score = engine.city_score(cycle)
    assert score.claimed.divisor == 2
    # what the page says it costs: the claimed index without the empty innovation
    alone = scoring.state_of(score.rules, score.states[scoring.CLAIMED].spd,
                             [score.claimed_of[town["pandai"].id]]).totals(score.rules)
    lost = scoring.round2(alone.index - score.claimed.index)
    assert lost > 0
    shown = f"{lost}".replace(".", ",")
    for client, url in ((login(town["staff"]), "/score/"),
                        (login(town["staff"]), f"/score/skpd/{town['b'].id}"),
                        (login(town["cb"]), "/score/")):
        notice = section(page_of(client, url), "tanpa-poin")
        assert "1 inovasi tanpa poin menurunkan Skor Klaim kota" in notice, url
        assert f'href="/innovations/{empty.id}"' in notice and "Inovasi Kosong 0" in notice
        assert "pembagi rata-rata SID (kini 2)" in notice
        assert f"menurunkan Skor Klaim kota {shown} poin" in notice, url
        assert "Si Pandai" not in notice.split("</section>", 1)[0]
    # an SKPD without empty innovations is not told about another SKPD's
    for client, url in ((login(town["ca"]), "/score/"),
                        (login(town["staff"]), f"/score/skpd/{town['a'].id}")):
        assert 'id="tanpa-poin"' not in page_of(client, url), url


def test_no_notice_while_the_divisor_is_not_reached(cycle, make_skpd, make_user, login):
    town = empty_town(cycle, make_skpd, make_user)
    cycle.divisor_min = 12  # two innovations under a divisor of 12: the empty one costs nothing
    db.session.commit()
    assert 'id="tanpa-poin"' not in page_of(login(town["staff"]), "/score/")


def test_the_notice_costs_as_many_queries_for_more_empty_innovations(cycle, make_skpd,
                                                                     make_user, login):
    town = empty_town(cycle, make_skpd, make_user, empties=1)
    cb_id, b_id, cycle_id = town["cb"].id, town["b"].id, cycle.id
    clients = {"staff": login(town["staff"]), "contact": login(town["cb"])}
    urls = (("staff", "/score/"), ("staff", f"/score/skpd/{b_id}"), ("contact", "/score/"))
    assert "1 inovasi tanpa poin" in page_of(clients["staff"], "/score/")  # the cache is warm
    few = [count_queries(clients[who], url) for who, url in urls]
    b, cb = db.session.get(Skpd, b_id), db.session.get(User, cb_id)
    for n in range(1, 4):
        create_innovation(b, db.session.get(Cycle, cycle_id),
                          {"name": f"Inovasi Kosong {n}", "main_urusan": "Perhubungan"}, cb)
    db.session.commit()
    assert "4 inovasi tanpa poin" in page_of(clients["staff"], "/score/")
    assert [count_queries(clients[who], url) for who, url in urls] == few


def test_the_contacts_home_never_shows_a_zero_gain(cycle, make_skpd, make_user, login):
    skpd = make_skpd(code="DISHUB", name="Dinas Perhubungan", short_name="Dishub")
    contact = make_user("contact", skpd=skpd)
    create_innovation(skpd, cycle, {"name": "Parkir Lama", "main_urusan": "Perhubungan",
                                    "implemented_on": OUT_OF_WINDOW}, contact)
    db.session.commit()
    home = page_of(login(contact), "/")
    assert "Parkir Lama" in home and "Belum menambah indeks." in home
    assert "+0,00 poin indeks" not in home
