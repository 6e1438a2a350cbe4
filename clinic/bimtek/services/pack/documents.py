"""The pack's own PDFs on the agency's letterhead: the agenda and the findings per SKPD.

In Indonesian whatever the viewer's language: they are documents of the office.
"""
from flask_babel import force_locale
from sqlalchemy import select

from clinic import dates
from clinic.admin.letterhead import letterhead_pdf
from clinic.admin.models import Skpd
from clinic.bimtek.models import EventFinding
from clinic.extensions import db

COLUMNS = (28, 72, 70)  # time, item, speakers (mm): 170 mm between the margins


def _heading(pdf, title, event):
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 5.5, event.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if event.place:
        pdf.multi_cell(0, 5.5, event.place, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def agenda_pdf(event):
    """The agenda (susunan acara): per day, each item's time, title, room and speakers."""
    with force_locale("id"):
        pdf = letterhead_pdf()
        _heading(pdf, "SUSUNAN ACARA", event)
        zone = dates.zone_label(event.timezone)
        for n, day in enumerate(event.days, 1):
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(0, 7, f"Hari {n}: {dates.fmt_date(day.day_on)}", new_x="LMARGIN",
                     new_y="NEXT")
            pdf.set_font("Helvetica", "", 10)
            with pdf.table(col_widths=COLUMNS, text_align="LEFT", line_height=5.5) as table:
                table.row([f"Waktu ({zone})", "Acara", "Narasumber"])
                for item in day.items:
                    title = f"{item.title} ({item.track})" if item.track else item.title
                    speakers = "\n".join(s.label for s in item.speakers) or "-"
                    table.row([f"{item.starts:%H.%M}-{item.ends:%H.%M}", title, speakers])
            pdf.ln(4)
        return bytes(pdf.output())


def findings_pdf(event):
    """The notes of the event, then its findings per SKPD with the task made of each."""
    rows = db.session.execute(
        select(EventFinding, Skpd.name).join(Skpd, Skpd.id == EventFinding.skpd_id)
        .where(EventFinding.event_id == event.id)
        .order_by(Skpd.name, EventFinding.id)).all()
    with force_locale("id"):
        pdf = letterhead_pdf()
        _heading(pdf, "NOTULEN, TEMUAN DAN TINDAK LANJUT", event)
        if event.notes:
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(0, 6, "Notulen", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5.5, event.notes, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(0, 6, "Temuan", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        if not rows:
            pdf.cell(0, 6, "Tidak ada temuan yang dicatat.", new_x="LMARGIN", new_y="NEXT")
            return bytes(pdf.output())
        with pdf.table(col_widths=(10, 55, 80, 25), text_align="LEFT",
                       line_height=5.5) as table:
            table.row(["No", "Perangkat Daerah", "Temuan", "Tindak lanjut"])
            for n, (finding, skpd_name) in enumerate(rows, 1):
                task = f"#{finding.task_id}" if finding.task_id else "-"
                table.row([str(n), skpd_name, finding.text, task])
        return bytes(pdf.output())
