"""The daftar hadir of one event day as PDF: letterhead, the day, and a row per participant
(registered and walk-ins) with room to sign; those already checked in are marked.

In Indonesian whatever the viewer's language: it is a document of the office (the
accountability pack holds it too, through ``daftar_hadir_pdf``).
"""
from flask_babel import force_locale, format_date

from clinic import dates
from clinic.admin.letterhead import agency_settings, letterhead_pdf
from clinic.bimtek.services.roster import counts, day_roster

COLUMNS = (9, 39, 32, 30, 34, 26)  # No, Nama, NIP, Jabatan, Perangkat Daerah, Tanda tangan
HEADINGS = ("No", "Nama", "NIP", "Jabatan", "Perangkat Daerah", "Tanda tangan")
BLANK_ROWS = 5  # for people who come without being on the list


def day_number(day):
    return next(n for n, d in enumerate(day.event.days, 1) if d.id == day.id)


def _heading(pdf, day):
    event = day.event
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, "DAFTAR HADIR", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 5.5, event.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 10)
    zone = dates.zone_label(event.timezone)
    for label, value in (
            ("Hari, tanggal", f"Hari ke-{day_number(day)}, {dates.fmt_date(day.day_on)}"),
            ("Waktu", f"{day.starts:%H.%M} s.d. {day.ends:%H.%M} {zone}"),
            ("Tempat", event.place or "-")):
        pdf.cell(28, 5.5, label)
        pdf.multi_cell(0, 5.5, f": {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _mark(n, row, zone):
    if row.checkin is None:
        return f"{n}."
    return f"{n}.  (hadir {dates.local(row.checkin.checked_at, zone):%H.%M})"


def daftar_hadir_pdf(day):
    """The day's attendance sheet for signatures, present participants marked."""
    rows = day_roster(day)
    zone = day.event.timezone
    with force_locale("id"):
        settings = agency_settings()
        pdf = letterhead_pdf(settings)
        _heading(pdf, day)
        pdf.set_font("Helvetica", "", 8)
        with pdf.table(col_widths=COLUMNS, text_align="LEFT", line_height=5,
                       min_row_height=11, padding=1) as table:
            table.row(HEADINGS)
            for n, row in enumerate(rows, 1):
                p = row.participant
                name = f"{p.name} (peserta langsung)" if p.walk_in else p.name
                table.row([str(n), name, p.nip or "", p.position, row.skpd_name,
                           _mark(n, row, zone)])
            for n in range(len(rows) + 1, len(rows) + 1 + BLANK_ROWS):
                table.row([str(n), "", "", "", "", f"{n}."])
        total = counts(rows)
        pdf.ln(3)
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5.5, f"Terdaftar: {total.registered} orang; hadir: {total.present} "
                               f"orang (peserta langsung: {total.walk_ins}); tidak hadir: "
                               f"{total.absent} orang.", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        place = settings.place or ""
        pdf.signature(f"{place}, {format_date(day.day_on, 'd MMMM y')}".lstrip(", "))
        return bytes(pdf.output())


def daftar_hadir_filename(day):
    return f"daftar-hadir-bimtek-{day.event_id}-hari-{day_number(day)}.pdf"
