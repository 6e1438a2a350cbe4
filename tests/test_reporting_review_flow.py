"""Reviewing item after item: the queue's filters carried through the item page and the
decisions, the place in the queue, the keyboard shortcuts, and one submission time."""
import random
import re
from datetime import datetime, timezone

import time_machine
from sqlalchemy import select

from clinic.demo.reporting.writer import Writer
from clinic.auth.models import User
from clinic.extensions import db
from clinic.reporting.models import ItemEvent, ItemStatus, ReportItem
from clinic.reporting.services import add_link, return_item, save_item, submit_item
from conftest import count_queries
from test_reporting_items import fresh, item_of, text
from test_reporting_review import at, queue_world, submitted  # noqa: F401 (a fixture)


def position(page):
    return re.search(r'id="queue-position">([^<]+)<', page).group(1).strip()


def link(page, rel):
    found = re.search(rf'rel="{rel}"[^>]*href="([^"]+)"', page)
    return found.group(1).replace("&amp;", "&") if found else None


def ordered(queue_world):
    """The submitted items in queue order: SID-17 (1 May), B's SID-16 (2 May), SID-16 (3 May)."""
    innovation, other = queue_world
    return item_of(innovation, "SID-17"), item_of(other, "SID-16"), item_of(innovation, "SID-16")


def test_queue_links_carry_the_filters_and_the_item_shows_its_place(queue_world, staff, login):
    first, second, third = ordered(queue_world)
    client = login(staff)
    page = text(client.get("/review/", query_string={"code": "SID-16"}))
    assert f'href="/items/{second.id}?status=submitted&amp;code=SID-16"' in page
    page = text(client.get(f"/items/{second.id}?status=submitted&code=SID-16"))
    assert position(page) == "1 dari 2"
    assert link(page, "next") == f"/items/{third.id}?status=submitted&code=SID-16"
    assert link(page, "prev") is None
    # the decisions post to URLs that carry the filters: no script needed for the flow
    assert f'action="/items/{second.id}/verify?status=submitted&amp;code=SID-16"' in page
    assert f'action="/items/{second.id}/return?status=submitted&amp;code=SID-16"' in page
    page = text(client.get(f"/items/{second.id}?status=submitted"))
    assert position(page) == "2 dari 3"
    assert link(page, "prev") == f"/items/{first.id}?status=submitted"
    assert link(page, "next") == f"/items/{third.id}?status=submitted"
    # opened from elsewhere: no queue bar
    assert 'id="queue-position"' not in text(client.get(f"/items/{second.id}"))


def test_verify_and_return_land_on_the_next_item_of_the_same_queue(queue_world, staff, login):
    first, second, third = ordered(queue_world)
    client = login(staff)
    response = client.post(f"/items/{first.id}/verify?status=submitted")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/items/{second.id}?status=submitted"
    page = text(client.get(response.headers["Location"]))
    assert f"Butir {first.indicator.code} diverifikasi" in page
    assert position(page) == "1 dari 2"  # the verified one has left the queue
    response = client.post(f"/items/{second.id}/return?status=submitted",
                           data={"reason": "Lampiran belum ditandatangani"})
    assert response.headers["Location"] == f"/items/{third.id}?status=submitted"
    assert "dikembalikan untuk diperbaiki" in text(client.get(response.headers["Location"]))
    response = client.post(f"/items/{third.id}/verify?status=submitted")
    assert response.headers["Location"] == "/review/?status=submitted"  # none left
    assert "Tidak ada butir berikutnya" in text(client.get(response.headers["Location"]))
    assert (fresh(first).status, fresh(second).status, fresh(third).status) == (
        ItemStatus.VERIFIED, ItemStatus.RETURNED, ItemStatus.VERIFIED)


def test_filters_decide_the_next_item_and_a_refusal_stays_put(queue_world, staff, login):
    first, second, third = ordered(queue_world)
    client = login(staff)
    response = client.post(f"/items/{second.id}/verify?status=submitted&code=SID-16")
    assert response.headers["Location"] == f"/items/{third.id}?status=submitted&code=SID-16"
    # a second verify of the same item is refused: back to it, filters kept
    response = client.post(f"/items/{second.id}/verify?status=submitted&code=SID-16")
    assert response.headers["Location"] == f"/items/{second.id}?status=submitted&code=SID-16"
    # an empty reason re-renders the item with its queue bar
    response = client.post(f"/items/{first.id}/return?status=submitted", data={"reason": " "})
    assert response.status_code == 200 and position(text(response)) == "1 dari 2"
    # opened without the queue: the decision leads back to the item, as before
    response = client.post(f"/items/{first.id}/verify")
    assert response.headers["Location"] == f"/items/{first.id}"


def test_place_in_queue_costs_as_many_queries_for_a_longer_queue(queue_world, staff, contact,
                                                                 login):
    innovation, _ = queue_world
    first, second, third = ordered(queue_world)
    more = [item_of(innovation, code).id
            for code in ("SID-19", "SID-20", "SID-21", "SID-22", "SID-23", "SID-24")]
    contact_id = contact.id
    client = login(staff)
    url = f"/items/{second.id}?status=submitted"
    few = count_queries(client, url)  # (it empties the session)
    for n, item_id in enumerate(more):
        submitted(db.session.get(ReportItem, item_id), db.session.get(User, contact_id),
                  at(2, hour=n + 1))
    db.session.commit()
    assert position(text(client.get(url))) == "8 dari 9"
    assert count_queries(client, url) == few


def test_shortcuts_are_documented_and_loaded_only_for_reviewers(queue_world, staff, contact,
                                                                login):
    first, _, _ = ordered(queue_world)
    page = text(login(staff).get(f"/items/{first.id}?status=submitted"))
    assert "Pintasan papan ketik" in page and "/static/js/review.js" in page
    assert 'data-shortcut="v"' in page and 'data-shortcut="n j"' in page
    assert re.search(r'<textarea[^>]*data-shortcut="r"', page)
    assert "tidak berlaku saat Anda sedang mengetik" in page
    queue = text(login(staff).get("/review/"))
    assert "/static/js/review.js" in queue and "Periksa satu per satu" in queue
    mine = text(login(contact).get(f"/items/{first.id}"))
    assert "review.js" not in mine and "data-shortcut" not in mine


# -- one submission time -------------------------------------------------------------------------


def shown_times(client, item):
    """The submission time as the queue, the verify box and the history print it."""
    queue = text(client.get("/review/"))
    row = queue.split(f'name="item_ids" value="{item.id}"', 1)[1]
    in_queue = re.search(r'data-label="Diajukan">([^<]+)</td>', row).group(1).strip()
    page = text(client.get(f"/items/{item.id}"))
    in_box = re.search(r"Diajukan ([^<]+? W[A-Z]+)\. Periksa", page).group(1)
    history = page.split("Riwayat</h2>", 1)[1]
    in_history = re.search(r"Mengajukan</span>.*?· ([^<]+ W[A-Z]+)</span>", history,
                           re.S).group(1)
    return in_queue, in_box, in_history


def test_an_item_resubmitted_later_shows_one_submission_time(innovation, contact, staff,
                                                              login):
    item = item_of(innovation, "SID-16")
    with time_machine.travel(datetime(2026, 10, 27, 14, 58, tzinfo=timezone.utc), tick=False):
        save_item(item, 1, None, contact)
        add_link(item, "https://example.go.id/bukti", contact)
        submit_item(item, contact)
        db.session.commit()
    with time_machine.travel(datetime(2026, 10, 28, 2, 0, tzinfo=timezone.utc), tick=False):
        return_item(item, "Kurang tanda tangan", staff)
        db.session.commit()
    with time_machine.travel(datetime(2026, 10, 29, 14, 0, tzinfo=timezone.utc), tick=False):
        submit_item(item, contact)
        db.session.commit()
    times = shown_times(login(staff), item)
    assert times == ("Kamis, 29 Oktober 2026 22.00 WITA",) * 3, times


def test_demo_items_show_the_submission_time_of_their_history(cycle, innovation, contact,
                                                              staff, login, tmp_path):
    # The demo wrote submitted_at from the event before the submission (item 770:
    # "27 Oktober 22.58" in the queue, "29 Oktober 22.00" in the history).
    writer = Writer(random.Random(770), cycle, staff, str(tmp_path))
    items = [item_of(innovation, code) for code in ("SID-16", "SID-17", "SID-18")]
    for item in items:
        writer.apply(item, "submitted", 2, contact, innovation)
    db.session.commit()
    client = login(staff)
    for item in items:
        event = db.session.scalars(select(ItemEvent).where(
            ItemEvent.item_id == item.id, ItemEvent.action == "submitted")).one()
        in_queue, in_box, in_history = shown_times(client, item)
        assert in_queue == in_box == in_history, (in_queue, in_box, in_history)
        assert event.created_at.strftime("%Y") in in_history


def test_the_time_is_shown_in_the_viewers_zone_everywhere(innovation, contact, staff, login):
    item = item_of(innovation, "SID-16")
    with time_machine.travel(datetime(2026, 10, 29, 14, 0, tzinfo=timezone.utc), tick=False):
        save_item(item, 1, None, contact)
        add_link(item, "https://example.go.id/bukti", contact)
        submit_item(item, contact)
        db.session.commit()
    staff.timezone = "Asia/Jakarta"
    db.session.commit()
    assert shown_times(login(staff), item) == ("Kamis, 29 Oktober 2026 21.00 WIB",) * 3
    # the contact of the SKPD reads it in the office zone
    page = text(login(contact).get(f"/items/{item.id}"))
    assert "Kamis, 29 Oktober 2026 22.00 WITA" in page
