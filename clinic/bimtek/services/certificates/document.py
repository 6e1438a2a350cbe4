"""The certificate as PDF: landscape A4 on the agency's letterhead, the name, the event, its
dates and place, the signer, and the verification code with a QR code of the public page.

In Indonesian whatever the viewer's language: it is a document of the office.
"""
import io

from flask_babel import force_locale, format_date

from clinic.admin.letterhead import agency_settings, letterhead_pdf
from clinic.bimtek.services.qr import qr_png
from clinic.email import absolute_url

QR_SIZE = 32  # mm


def verify_url(certificate):
    return absolute_url("bimtek.certificate_verify", code=certificate.code)


def certificate_filename(certificate):
    return f"sertifikat-{certificate.code}.pdf"


def days_text(days):
    """'17-18 Juli 2024', '3 dan 5 Februari 2027', or full dates when months differ."""
    dates = sorted(d.day_on for d in days)
    if not dates:
        return ""
    first, last = dates[0], dates[-1]
    if (first.year, first.month) != (last.year, last.month):
        return ", ".join(format_date(d, "d MMMM y") for d in dates)
    tail = format_date(last, "MMMM y")
    if len(dates) == 1:
        return f"{first.day} {tail}"
    if (last - first).days == len(dates) - 1:
        return f"{first.day}-{last.day} {tail}"
    return f"{', '.join(str(d.day) for d in dates[:-1])} dan {last.day} {tail}"


def _centered(pdf, size, text, style="", height=None):
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, height or size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _body(pdf, certificate, event):
    _centered(pdf, 30, "SERTIFIKAT", "B", 14)
    _centered(pdf, 10, f"Nomor verifikasi: {certificate.code}")
    pdf.ln(4)
    _centered(pdf, 12, "diberikan kepada")
    pdf.ln(1)
    _centered(pdf, 22, certificate.name, "B", 11)
    pdf.ln(1)
    _centered(pdf, 13, "sebagai Peserta", "", 7)
    _centered(pdf, 12, "dalam kegiatan", "", 6)
    _centered(pdf, 14, event.title, "B", 7)
    place = f" di {event.place}" if event.place else ""
    _centered(pdf, 11, f"yang dilaksanakan pada {days_text(event.days)}{place}.", "", 6)


def _qr(pdf, certificate, top):
    x = pdf.l_margin
    pdf.image(io.BytesIO(qr_png(verify_url(certificate), scale=4)), x=x, y=top,
              w=QR_SIZE, h=QR_SIZE)
    pdf.set_xy(x, top + QR_SIZE + 1)
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(80, 4.5, certificate.code, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 7)
    pdf.multi_cell(90, 3.5, f"Periksa keaslian: {verify_url(certificate)}",
                   new_x="LMARGIN", new_y="NEXT")


def certificate_pdf(certificate):
    """The certificate's PDF (one landscape page)."""
    event = certificate.participant.invitation.event
    with force_locale("id"):
        settings = agency_settings()
        pdf = letterhead_pdf(settings, orientation="L")
        pdf.set_auto_page_break(False)
        _body(pdf, certificate, event)
        top = max(pdf.get_y() + 6, 128)
        pdf.set_y(top)
        last_day = max((d.day_on for d in event.days), default=None)
        when = format_date(last_day, "d MMMM y") if last_day else ""
        pdf.signature(", ".join(p for p in (settings.place, when) if p))
        _qr(pdf, certificate, top + 4)
        return bytes(pdf.output())
