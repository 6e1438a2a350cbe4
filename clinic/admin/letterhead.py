"""The agency's letterhead and signer (one ``AgencySettings`` row) and the PDF page they head.

Letters, certificates and printouts made as PDF start from ``letterhead_pdf``: fpdf2 with its
built-in fonts, so no system package is needed. Those fonts hold Latin-1 only: ``pdf_text``
turns typographic quotes and dashes into their plain forms and prints "?" for the rest.
"""
from flask import current_app
from fpdf import FPDF
from sqlalchemy import select

from clinic.admin.models import AgencySettings
from clinic.extensions import db

_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})


def agency_settings():
    """The saved settings, or (before admin saved any) defaults from the configuration."""
    row = db.session.scalars(select(AgencySettings).order_by(AgencySettings.id)).first()
    if row is not None:
        return row
    city = current_app.config["CLINIC_CITY"]
    return AgencySettings(government=f"PEMERINTAH {city.upper()}",
                          agency=current_app.config["CLINIC_AGENCY"],
                          place=city.removeprefix("Kota ").removeprefix("Kabupaten "))


def pdf_text(value):
    """``value`` as text the PDF's built-in fonts can print."""
    text = str(value or "").translate(_PLAIN)
    return text.encode("latin-1", "replace").decode("latin-1")


class LetterheadPdf(FPDF):
    """An A4 document whose first page carries the agency's letterhead (kop surat)."""

    def __init__(self, settings, orientation="P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.settings = settings
        self.set_margins(20, 15, 20)
        self.set_auto_page_break(True, margin=18)
        self.set_title(pdf_text(settings.agency))
        self.set_creator(pdf_text(settings.agency))

    def normalize_text(self, text):
        """Every text written goes through ``pdf_text``: a name with a curly quote prints."""
        return super().normalize_text(pdf_text(text))

    def letterhead(self):
        """Draw the kop surat at the top of the current page; the cursor ends below its rule."""
        s = self.settings
        self.set_font("Helvetica", "B", 13)
        self.cell(0, 6, pdf_text(s.government).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "B", 12)
        self.multi_cell(0, 6, pdf_text(s.agency).upper(), align="C", new_x="LMARGIN",
                        new_y="NEXT")
        self.set_font("Helvetica", "", 9)
        for line in (s.address, s.contact):
            if line:
                self.multi_cell(0, 4.5, pdf_text(line), align="C", new_x="LMARGIN", new_y="NEXT")
        y = self.get_y() + 2
        self.set_line_width(0.8)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.2)
        self.line(self.l_margin, y + 1.2, self.w - self.r_margin, y + 1.2)
        self.set_y(y + 5)

    def signature(self, place_and_date, *, width=80):
        """The signer's block on the right: place and date, position, room to sign, name, NIP."""
        s = self.settings
        x = self.w - self.r_margin - width
        lines = [(place_and_date, ""), (s.signer_position, "B")]
        self.set_font("Helvetica", "", 11)
        for text, style in lines:
            if text:
                self.set_x(x)
                self.set_font("Helvetica", style, 11)
                self.multi_cell(width, 5.5, pdf_text(text), align="C", new_x="LMARGIN",
                                new_y="NEXT")
        self.ln(20)
        self.set_x(x)
        self.set_font("Helvetica", "BU", 11)
        self.cell(width, 5.5, pdf_text(s.signer_name or ""), align="C", new_x="LMARGIN",
                  new_y="NEXT")
        self.set_font("Helvetica", "", 10)
        for text in (s.signer_rank, f"NIP. {s.signer_nip}" if s.signer_nip else None):
            if text:
                self.set_x(x)
                self.cell(width, 5, pdf_text(text), align="C", new_x="LMARGIN", new_y="NEXT")


def letterhead_pdf(settings=None, orientation="P"):
    """A new document with one page that starts with the letterhead."""
    pdf = LetterheadPdf(settings or agency_settings(), orientation)
    pdf.add_page()
    pdf.letterhead()
    return pdf
