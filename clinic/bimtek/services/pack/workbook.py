"""The participants and their attendance as XLSX (sheets Peserta and Kehadiran).

A cell that begins with = + - @ (or a tab or line break) would be read as a formula by a
spreadsheet: it is written as text with Excel's quote prefix, so it stays text when edited.
"""
from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from clinic import dates
from clinic.admin.models import Skpd
from clinic.bimtek.models import CheckIn, EventInvitation, Participant
from clinic.extensions import db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
PESERTA = (("No", 5), ("Nama", 32), ("NIP", 22), ("Jabatan", 32), ("Perangkat Daerah", 40),
           ("E-mail", 30), ("Nomor WhatsApp", 18), ("Keterangan", 18))


def _put(sheet, row, column, value):
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"  # text, never a formula
        cell.quotePrefix = True
    return cell


def _sheet(sheet, header, widths, rows):
    for column, title in enumerate(header, 1):
        _put(sheet, 1, column, title).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = widths[column - 1]
    for r, values in enumerate(rows, 2):
        for column, value in enumerate(values, 1):
            _put(sheet, r, column, value)
    sheet.freeze_panes = "A2"


def _participants(event):
    stmt = (select(Participant, Skpd.name)
            .join(EventInvitation, EventInvitation.id == Participant.invitation_id)
            .join(Skpd, Skpd.id == Participant.skpd_id)
            .where(EventInvitation.event_id == event.id, Participant.cancelled_at.is_(None))
            .order_by(Skpd.name, Participant.name, Participant.id))
    return db.session.execute(stmt).all()


def _checkins(event):
    day_ids = [d.id for d in event.days]
    rows = db.session.scalars(select(CheckIn).where(CheckIn.day_id.in_(day_ids))).all()
    return {(c.participant_id, c.day_id): c for c in rows}


def write_workbook(event, path):
    """Write the XLSX of ``event``'s participants and attendance to ``path``."""
    participants, checkins = _participants(event), _checkins(event)
    book = Workbook()
    peserta = book.active
    peserta.title = "Peserta"
    _sheet(peserta, [h for h, _w in PESERTA], [w for _h, w in PESERTA], [
        (n, p.name, p.nip or "", p.position, skpd, p.email, p.whatsapp,
         "Datang langsung" if p.walk_in else "")
        for n, (p, skpd) in enumerate(participants, 1)])
    with force_locale("id"):
        day_titles = [f"Hari {n} ({dates.fmt_date_short(d.day_on)})"
                      for n, d in enumerate(event.days, 1)]
    rows = []
    for n, (p, skpd) in enumerate(participants, 1):
        marks = []
        for day in event.days:
            check = checkins.get((p.id, day.id))
            marks.append(f"Hadir {dates.local(check.checked_at, event.timezone):%H.%M}"
                         if check else "Tidak hadir")
        rows.append((n, p.name, skpd, *marks, sum(m != "Tidak hadir" for m in marks)))
    _sheet(book.create_sheet("Kehadiran"),
           ["No", "Nama", "Perangkat Daerah", *day_titles, "Jumlah hari hadir"],
           [5, 32, 40, *[20] * len(day_titles), 18], rows)
    book.save(path)
