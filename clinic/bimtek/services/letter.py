"""The invitation letter (surat undangan) of an event: a PDF on the agency's letterhead.

The letter is in Indonesian whatever the viewer's language: it is an official document of the
office. Its first page is the letter; the attachment (lampiran) holds the agenda and the list
of invited SKPDs with their quotas and deadlines.
"""
from flask_babel import force_locale, format_date

from clinic import dates
from clinic.admin.letterhead import agency_settings, letterhead_pdf

# More addressees than this and the letter says "Daftar terlampir" (the list is in the lampiran).
MAX_LISTED = 4
BLANK_NUMBER = "........................................"
LABEL_WIDTH = 32


def letter_filename(event):
    return f"surat-undangan-bimtek-{event.id}.pdf"


def _long_date(value):
    """'17 Juli 2024' (a letter's date carries no weekday)."""
    return format_date(value, "d MMMM y")


def _clock(day):
    return f"{day.starts:%H.%M} s.d. {day.ends:%H.%M} {dates.zone_label(day.event.timezone)}"


def _active(event):
    invitations = [i for i in event.invitations if i.withdrawn_at is None]
    return sorted(invitations, key=lambda i: (i.skpd.name or "").lower())


def _addressee(invitation):
    return f"Kepala {invitation.skpd.name}"


def _deadline(invitation, event):
    """'Jumat, 10 Juli 2026 pukul 16.00 WITA' in the event's zone."""
    moment = dates.local(invitation.deadline_at, event.timezone)
    return (f"{dates.fmt_date(moment.date())} pukul {moment:%H.%M} "
            f"{dates.zone_label(event.timezone)}")


class InvitationLetter:
    """Writes one event's letter onto a letterhead document."""

    def __init__(self, event, settings):
        self.event, self.settings = event, settings
        self.invitations = _active(event)
        self.letter_on = event.letter_date or dates.today_local(event.timezone)
        self.number = event.letter_number or BLANK_NUMBER
        self.pdf = letterhead_pdf(settings)

    # -- small writers ----------------------------------------------------------------------
    def _text(self, text, style="", size=11, align="J", height=5.5, x=None, width=0):
        self.pdf.set_font("Helvetica", style, size)
        if x is not None:
            self.pdf.set_x(x)
        self.pdf.multi_cell(width, height, text, align=align, new_x="LMARGIN", new_y="NEXT")

    def _field(self, label, value, x=None, label_width=LABEL_WIDTH, size=11):
        """'Label : value', the value wrapping under itself."""
        pdf = self.pdf
        x = pdf.l_margin if x is None else x
        pdf.set_font("Helvetica", "", size)
        pdf.set_x(x)
        pdf.cell(label_width, 5.5, label)
        pdf.cell(4, 5.5, ":")
        pdf.multi_cell(pdf.w - pdf.r_margin - pdf.get_x(), 5.5, value, new_x="LMARGIN",
                       new_y="NEXT")

    # -- the letter -------------------------------------------------------------------------
    def head(self):
        place = self.settings.place or ""
        self._text(f"{place}, {_long_date(self.letter_on)}", align="R")
        self.pdf.ln(2)
        title = self.event.title
        for label, value in (("Nomor", self.number), ("Sifat", "Penting"),
                             ("Lampiran", "1 (satu) berkas"),
                             ("Perihal", f"Undangan {title}")):
            self._field(label, value, label_width=22)
        self.pdf.ln(4)

    def addressees(self):
        x, width = 105, self.pdf.w - self.pdf.r_margin - 105
        self._text("Kepada", align="L", x=x, width=width)
        if not self.invitations:
            lines = ["Yth. Kepala Perangkat Daerah yang diundang"]
        elif len(self.invitations) > MAX_LISTED:
            lines = ["Yth. Kepala Perangkat Daerah", "(daftar terlampir)"]
        elif len(self.invitations) == 1:
            lines = [f"Yth. {_addressee(self.invitations[0])}"]
        else:
            lines = ["Yth."] + [f"{n}. {_addressee(i)}"
                                for n, i in enumerate(self.invitations, 1)]
        for line in lines:
            self._text(line, align="L", x=x, width=width)
        self._text("di -", align="L", x=x, width=width)
        self._text(self.settings.place or "Tempat", align="L", x=x + 8, width=width - 8)
        self.pdf.ln(6)

    def body(self):
        event = self.event
        organiser = event.organiser or self.settings.agency
        self._text(
            f"Dalam rangka meningkatkan kapasitas aparatur Perangkat Daerah, {organiser} "
            f"menyelenggarakan {event.title}. Sehubungan dengan hal tersebut, kami mengundang "
            "Bapak/Ibu untuk menugaskan pegawai di lingkungan Perangkat Daerah yang Bapak/Ibu "
            "pimpin, sesuai dengan kuota yang tercantum dalam lampiran surat ini, untuk mengikuti "
            "kegiatan tersebut yang akan dilaksanakan pada:")
        self.pdf.ln(2)
        self.days()
        self.pdf.ln(2)
        self._text(self._registration_sentence())
        self.pdf.ln(2)
        self._text("Demikian undangan ini kami sampaikan. Atas perhatian dan kehadiran "
                   "Bapak/Ibu, kami ucapkan terima kasih.")
        self.pdf.ln(6)

    def days(self):
        x = self.pdf.l_margin + 10
        times = {(d.starts, d.ends) for d in self.event.days}
        for day in self.event.days:
            self._field("Hari/Tanggal", dates.fmt_date(day.day_on), x=x)
            if len(times) > 1:
                self._field("Waktu", _clock(day), x=x)
        if len(times) == 1 and self.event.days:
            self._field("Waktu", _clock(self.event.days[0]), x=x)
        self._field("Tempat", self.event.place or "-", x=x)
        self._field("Acara", "Susunan acara terlampir", x=x)

    def _registration_sentence(self):
        deadlines = {i.deadline_at for i in self.invitations}
        when = (f"paling lambat {_deadline(self.invitations[0], self.event)}"
                if len(deadlines) == 1 else "sesuai batas waktu yang tercantum dalam lampiran")
        return ("Pendaftaran peserta dilakukan oleh operator Perangkat Daerah melalui aplikasi "
                f"Klinik Inovasi {when}. Setiap peserta yang terdaftar menerima konfirmasi "
                "melalui e-mail.")

    # -- the lampiran -----------------------------------------------------------------------
    def attachment_head(self):
        pdf = self.pdf
        pdf.add_page()
        x = 105
        self._text("Lampiran Surat Undangan", align="L", x=x, size=10, height=5)
        self._field("Nomor", self.number, x=x, label_width=16, size=10)
        self._field("Tanggal", _long_date(self.letter_on), x=x, label_width=16, size=10)
        pdf.ln(6)

    def agenda(self):
        self._text("SUSUNAN ACARA", style="B", align="C")
        self._text(self.event.title, align="C")
        self.pdf.ln(3)
        items = [(day, item) for day in self.event.days for item in day.items]
        if not items:
            self._text("Susunan acara akan disampaikan kemudian.", align="L")
            return
        self.pdf.set_font("Helvetica", "", 9)
        with self.pdf.table(col_widths=(38, 26, 56, 50), line_height=4.6,
                            text_align="LEFT", first_row_as_headings=True) as table:
            table.row(["Hari/Tanggal", "Waktu", "Acara", "Narasumber"])
            shown = None
            for day, item in items:
                title = f"{item.title} ({item.track})" if item.track else item.title
                speakers = "\n".join(s.label for s in item.speakers) or "-"
                table.row([dates.fmt_date(day.day_on) if day is not shown else "",
                           f"{item.starts:%H.%M}-{item.ends:%H.%M}", title, speakers])
                shown = day

    def invitees(self):
        self.pdf.ln(6)
        self._text("DAFTAR UNDANGAN DAN KUOTA PESERTA", style="B", align="C")
        self.pdf.ln(3)
        if not self.invitations:
            self._text("Belum ada Perangkat Daerah yang diundang.", align="L")
            return
        self.pdf.set_font("Helvetica", "", 9)
        with self.pdf.table(col_widths=(10, 90, 20, 50), line_height=4.6,
                            text_align=("CENTER", "LEFT", "CENTER", "LEFT")) as table:
            table.row(["No.", "Kepada Yth.", "Kuota", "Batas pendaftaran"])
            for n, invitation in enumerate(self.invitations, 1):
                table.row([str(n), _addressee(invitation), f"{invitation.quota} orang",
                           _deadline(invitation, self.event)])

    def write(self):
        self.head()
        self.addressees()
        self.body()
        self.pdf.signature("")
        self.attachment_head()
        self.agenda()
        self.invitees()
        return bytes(self.pdf.output())


def invitation_letter_pdf(event):
    """The invitation letter of ``event`` as PDF bytes (letterhead and signer from settings)."""
    with force_locale("id"):
        return InvitationLetter(event, agency_settings()).write()
