"""Demo Bimtek: an upcoming two-day event open for registration, with BRIN and Kemendagri
speakers, seven SKPDs invited with quotas, four of them with participants registered."""
from datetime import datetime, time, timedelta, timezone

from clinic.bimtek import services
from clinic.bimtek.models import EventStatus
from clinic.dates import today_local
from clinic.workdays import is_working_day

BRIN, KEMENDAGRI = "trainer@demo.test", "trainer.kemendagri@demo.test"
INVITED, REGISTERED = 7, 4
POSITIONS = ("Analis Kebijakan", "Perencana Ahli Muda", "Kepala Subbagian Program")
NAMES = ("Rina Wulandari", "Ahmad Rizky", "Nurul Hidayah", "Muhammad Fadli", "Dewi Lestari",
         "Yusuf Hamdani", "Siti Maulida", "Rahmat Hidayat")


def _working_day(start):
    day = start
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def seed_bimtek_demo(skpds, people, contacts, staff):
    """Add the event; return a summary. The caller commits."""
    first = _working_day(today_local() + timedelta(days=21))
    second = _working_day(first + timedelta(days=1))
    event = services.create_event({
        "title": "Bimtek Inovasi Daerah Kota 2026", "organiser": "Bappeda",
        "venue": "Hotel Best Western Kindai", "venue_address": "Jl. Ahmad Yani Km. 2",
        "budget_code": "5.01.01.2.06", "description": "Penyusunan laporan Indeks Inovasi "
        "Daerah: regulasi, bukti dukung dan praktik baik."},
        [(first, time(8), time(16)), (second, time(8), time(12))], staff)
    day_one, day_two = event.days
    services.add_item(day_one, time(8), time(9), "Pembukaan oleh Wakil Wali Kota", "Ballroom")
    services.add_item(day_one, time(9), time(12), "Kebijakan Indeks Inovasi Daerah", "Ballroom",
                      [{"user_id": people[KEMENDAGRI].id}])
    services.add_item(day_one, time(13), time(16), "Menyusun bukti dukung yang sahih",
                      "Ballroom", [{"user_id": people[BRIN].id}])
    services.add_item(day_two, time(8), time(11), "Praktik baik inovasi daerah", "Ballroom",
                      [{"name": "Dr. Hendra Gunawan", "institution": "BRIN",
                        "position": "Peneliti Ahli Utama"}])
    services.add_item(day_two, time(11), time(12), "Penutupan", "Ballroom")
    event.status = EventStatus.OPEN
    deadline = datetime.combine(first - timedelta(days=7), time(8),
                                tzinfo=timezone.utc)
    invited = skpds[:INVITED]
    for n, skpd in enumerate(invited):
        services.invite(event, [skpd], 3 + n % 3, deadline, staff)
    registered = 0
    for n, invitation in enumerate(event.invitations[:REGISTERED]):
        contact = contacts.get(invitation.skpd_id)
        for k in range(1 + n % 3):
            name = NAMES[(n * 2 + k) % len(NAMES)]
            services.register(invitation.id, {
                "name": name, "position": POSITIONS[k % len(POSITIONS)],
                "email": f"{name.split()[0].lower()}.{invitation.skpd_id}{k}@demo.test",
                "whatsapp": f"0812{invitation.skpd_id:04d}{k:03d}"}, contact or staff,
                confirm=False)
            registered += 1
    return {"events": 1, "participants": registered}
