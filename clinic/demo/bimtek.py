"""Demo Bimtek: an upcoming two-day event open for registration, with BRIN and Kemendagri
speakers, seven SKPDs invited with quotas, four of them with participants registered; and the
July 2024 Bimtek, held, with attendance, materials, photos, findings turned into tasks,
feedback and certificates."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete

from clinic.bimtek import services
from clinic.bimtek.models import (Certificate, CheckIn, EventInvitation, EventStatus, Feedback,
                                  Participant)
from clinic.bimtek.services import findings, materials, photos
from clinic.bimtek.services.certificates import new_code
from clinic.dates import today_local
from clinic.demo.reporting.files import pdf_bytes, png_bytes, store_generated
from clinic.extensions import db
from clinic.followups.services import change_status, close_task
from clinic.outbox import keys
from clinic.outbox.models import Notification
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
        services.invite(event, [skpd], 3 + n % 3, deadline, staff, notify=False)
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
    held = seed_held_bimtek(skpds, people, contacts, staff)
    return {"events": 2, "participants": registered, "held_participants": held}


# -- the July 2024 Bimtek, held: attendance, materials, photos, findings, feedback, certificates

HELD_DAYS = (date(2024, 7, 17), date(2024, 7, 18))
HELD_SKPDS, HELD_QUOTA = 15, 4  # about 60 participants
FIRST = ("Rina", "Ahmad", "Nurul", "Muhammad", "Dewi", "Yusuf", "Siti", "Rahmat", "Fitri",
         "Hendra", "Lia", "Rizky", "Noor", "Agus", "Maya", "Fahri", "Aulia", "Wahyu", "Intan",
         "Bayu")
LAST = ("Wulandari", "Hidayat", "Rahman", "Lestari", "Fadillah", "Maulida", "Saputra",
        "Anwar", "Hasanah", "Pratama", "Syahrani", "Ramadhan", "Normala", "Kurniawan", "Aini")
HELD_POSITIONS = ("Perencana Ahli Muda", "Analis Kebijakan", "Kepala Subbagian Perencanaan",
                  "Kepala Seksi Pelayanan", "Pengelola Data", "Operator Inovasi Daerah")
ABSENT = {0: {7, 23, 41}, 1: {7, 15, 23, 38, 52}}  # participant numbers absent on each day
FINDINGS = ("Profil inovasi belum memuat tahapan uji coba dan penerapan.",
            "SK inovasi daerah belum ditandatangani kepala perangkat daerah.",
            "Bukti dukung anggaran inovasi belum diunggah (DPA).",
            "Data manfaat inovasi belum dilengkapi angka sebelum dan sesudah.",
            "Perlu pendampingan penyusunan video inovasi.")
COMMENTS = ("Materi sangat membantu penyusunan laporan IID.",
            "Waktu praktik pengisian laporan perlu ditambah.",
            "Narasumber jelas dan contoh bukti dukung mudah dipahami.")


def _held_event(people, staff):
    event = services.create_event({
        "title": "Bimtek Inovasi Daerah Kota Banjarmasin 2024", "organiser": "Bappedalitbang",
        "venue": "Best World Kindai Hotel",
        "venue_address": "Jl. Ahmad Yani Km. 2 No. 30, Banjarmasin",
        "budget_code": "5.01.01.2.06.0003", "description": "Peningkatan kapasitas perangkat "
        "daerah dalam penyusunan laporan Indeks Inovasi Daerah 2024."},
        [(HELD_DAYS[0], time(8), time(16)), (HELD_DAYS[1], time(8), time(12))], staff)
    event.letter_number, event.letter_date = "005/412/Bappedalitbang/VII/2024", date(2024, 7, 8)
    day_one, day_two = event.days
    add = services.add_item
    add(day_one, time(8), time(9), "Registrasi peserta", "Lobi Ballroom")
    add(day_one, time(9), time(10), "Pembukaan dan arahan", "Ballroom",
        [{"name": "Wakil Wali Kota Banjarmasin", "institution": "Pemerintah Kota Banjarmasin"}])
    policy = add(day_one, time(10), time(12), "Kebijakan Indeks Inovasi Daerah 2024",
                 "Ballroom", [{"user_id": people[KEMENDAGRI].id}])
    method = add(day_one, time(13), time(16), "Metodologi pengukuran dan bukti dukung",
                 "Ballroom", [{"user_id": people[BRIN].id}])
    practice = add(day_two, time(8), time(10), "Praktik baik inovasi daerah", "Ballroom",
                   [{"name": "Dr. Hendra Gunawan", "institution": "BRIN",
                     "position": "Peneliti Ahli Utama"}])
    add(day_two, time(10), time(11, 30), "Klinik pengisian laporan per perangkat daerah",
        "Ruang Martapura", [{"user_id": people[BRIN].id}, {"user_id": people[KEMENDAGRI].id}])
    add(day_two, time(11, 30), time(12), "Penutupan", "Ballroom")
    return event, (policy, method, practice)


def _held_participants(event, skpds, staff):
    deadline = datetime(2024, 7, 12, 8, tzinfo=timezone.utc)
    participants = []
    for n, skpd in enumerate(skpds[:HELD_SKPDS]):
        invitation = EventInvitation(event=event, skpd_id=skpd.id, skpd=skpd, quota=HELD_QUOTA,
                                     deadline_at=deadline)
        db.session.add(invitation)
        for k in range(HELD_QUOTA):
            i = len(participants)
            first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + n) % len(LAST)]
            nip = (f"19{78 + i % 17}{1 + i % 12:02d}{1 + i % 28:02d}"
                   f"20{(5 + i) % 20:02d}0{1 + i % 9}{1 + i % 2}{i:03d}") if i % 5 else None
            participants.append(Participant(
                invitation=invitation, skpd_id=skpd.id, name=f"{first} {last}", nip=nip,
                position=HELD_POSITIONS[(i + k) % len(HELD_POSITIONS)],
                email=f"{first.lower()}.{last.lower()}{i}@demo.test",
                whatsapp=f"08125{i:06d}", registered_by_id=staff.id,
                registered_at=deadline - timedelta(days=1 + i % 4)))
    db.session.add_all(participants)
    db.session.flush()
    return participants


def _checkins(event, participants, staff):
    zone = ZoneInfo(event.timezone)
    for d, day in enumerate(event.days):
        for i, p in enumerate(participants):
            if i in ABSENT[d]:
                continue
            at = datetime.combine(day.day_on, time(7, 40), tzinfo=zone) + timedelta(
                minutes=(i * 7 + d * 3) % 45)
            db.session.add(CheckIn(participant_id=p.id, day_id=day.id, skpd_id=p.skpd_id,
                                   method="qr" if i % 4 else "list", checked_by_id=staff.id,
                                   checked_at=at.astimezone(timezone.utc)))


def _records(event, items, participants, people, staff):
    folder = current_app.config["UPLOAD_FOLDER"]
    policy, method, practice = items
    for item, title, lines, by in (
            (policy, "Paparan Kebijakan IID 2024", ["Kebijakan Indeks Inovasi Daerah 2024",
                                                    "BSKDN Kemendagri"], people[KEMENDAGRI]),
            (method, "Metodologi dan Bukti Dukung", ["Metodologi pengukuran IID",
                                                     "BRIN"], people[BRIN])):
        checked, name = store_generated(pdf_bytes(lines), f"{title}.pdf", folder)
        materials.add_file_material(item, title, (checked, name), by)
    materials.add_link_material(practice, "Video praktik baik inovasi daerah",
                                "https://example.org/bimtek-2024/praktik-baik", staff)
    for n, (caption, colour) in enumerate((("Pembukaan oleh Wakil Wali Kota", "#1f4e79"),
                                           ("Paparan narasumber BRIN", "#385723"),
                                           ("Klinik pengisian laporan", "#7f6000"))):
        photo = store_generated(png_bytes([caption, "17-18 Juli 2024"], colour),
                                f"foto-{n + 1}.png", folder)
        photos.add_photos(event, [photo], caption, staff)
    for i, p in enumerate(participants[:14]):
        db.session.add(Feedback(participant_id=p.id, skpd_id=p.skpd_id, rating=4 + (i % 3 > 0),
                                usefulness=3 + i % 3, comment=COMMENTS[i % 3] if i % 4 == 0
                                else None))


def _findings_and_tasks(event, contacts, staff):
    today = today_local()
    invited = event.invitations
    for n, text in enumerate(FINDINGS):
        finding = findings.add_finding(event, invited[n * 2].skpd_id, text, staff)
        if n == len(FINDINGS) - 1:
            continue  # one finding still waits to become a task
        task = findings.task_from_finding(event, finding, staff, today - timedelta(days=20))
        # The demo sends no mail: the owner's "assigned to you" row goes again.
        db.session.execute(delete(Notification).where(
            Notification.dedupe_key.startswith(keys.task_prefix(task.id))))
        owner = contacts.get(task.skpd_id)
        if n < 2 and owner is not None:
            change_status(task, "in_progress", owner)
            change_status(task, "done", owner, comment="Dokumen sudah diunggah.")
            close_task(task, staff, comment="Sudah diperiksa; tindak lanjut ditutup.")


def _certificates(event, participants, staff):
    absent = ABSENT[0] | ABSENT[1]
    for i, p in enumerate(participants):
        if i not in absent:
            db.session.add(Certificate(
                participant_id=p.id, skpd_id=p.skpd_id, name=p.name, issued_by_id=staff.id,
                code=new_code(),
                issued_at=datetime(2024, 7, 22, 2, tzinfo=timezone.utc)))


def seed_held_bimtek(skpds, people, contacts, staff):
    """Add the held July 2024 Bimtek; return its number of participants. The caller commits."""
    event, items = _held_event(people, staff)
    participants = _held_participants(event, skpds, staff)
    event.status = EventStatus.HELD
    _checkins(event, participants, staff)
    _records(event, items, participants, people, staff)
    _findings_and_tasks(event, contacts, staff)
    _certificates(event, participants, staff)
    db.session.flush()
    return len(participants)
