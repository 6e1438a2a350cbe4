"""Forms of the Bimtek pages: event, cancellation, agenda, invitations, registration."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from sqlalchemy import select
from wtforms import FieldList, Form, FormField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.extensions import db
from clinic.form_fields import (Choice, DateInput, EmailInput, IntInput, LinesField,
                                MultiChoice, int_or_none, strip)

REQUIRED = _l("Wajib diisi.")


def _max(n):
    return Length(max=n, message=_l("Maksimal %(max)s karakter.", max=n))


class DayForm(Form):
    """One day of an event: a date with its start and end time (all empty: no day)."""

    day_on = DateInput(_l("Tanggal"))
    starts = TimeField(_l("Mulai"), validators=[Optional()])
    ends = TimeField(_l("Selesai"), validators=[Optional()])


class EventForm(FlaskForm):
    title = StringField(_l("Judul"), filters=[strip],
                        validators=[DataRequired(_l("Judul wajib diisi.")), _max(200)])
    description = TextAreaField(_l("Deskripsi"), filters=[strip],
                                validators=[Optional(), _max(4000)])
    organiser = StringField(_l("Penyelenggara"), filters=[strip],
                            validators=[Optional(), _max(200)])
    budget_code = StringField(_l("Kode kegiatan (opsional)"), filters=[strip],
                              validators=[Optional(), _max(60)])
    room = StringField(_l("Ruang kantor"), filters=[strip], validators=[Optional(), _max(120)])
    venue = StringField(_l("Tempat di luar kantor"), filters=[strip],
                        validators=[Optional(), _max(200)])
    venue_address = StringField(_l("Alamat tempat"), filters=[strip],
                                validators=[Optional(), _max(300)])
    letter_number = StringField(_l("Nomor surat undangan"), filters=[strip],
                                validators=[Optional(), _max(80)],
                                description=_l("Kosongkan bila belum ada nomor dari agenda surat."))
    letter_date = DateInput(_l("Tanggal surat undangan"),
                            description=_l("Kosong: tanggal hari surat dibuat."))
    days = FieldList(FormField(DayForm), min_entries=5, max_entries=5)

    def day_values(self):
        """(date, start, end) of every filled row; a half-filled row is an error on it."""
        values = []
        for entry in self.days:
            day, starts, ends = entry.day_on.data, entry.starts.data, entry.ends.data
            if day is None and starts is None and ends is None:
                continue
            if None in (day, starts, ends):
                entry.day_on.errors = [_l("Isi tanggal, jam mulai dan jam selesai.")]
                return None
            values.append((day, starts, ends))
        return values

    def event_fields(self):
        return {name: getattr(self, name).data or None for name in
                ("title", "description", "organiser", "budget_code", "room", "venue",
                 "venue_address", "letter_number", "letter_date")}


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Alasan pembatalan"), filters=[strip], validators=[
        DataRequired(_l("Tuliskan alasan pembatalan.")), _max(2000)])


class AgendaItemForm(FlaskForm):
    day = Choice(_l("Hari"), coerce=int_or_none)
    starts = TimeField(_l("Mulai"), validators=[InputRequired(REQUIRED)])
    ends = TimeField(_l("Selesai"), validators=[InputRequired(REQUIRED)])
    title = StringField(_l("Acara"), filters=[strip],
                        validators=[DataRequired(REQUIRED), _max(200)])
    track = StringField(_l("Ruang / kelas"), filters=[strip], validators=[Optional(), _max(120)])
    trainers = MultiChoice(_l("Narasumber (pengguna)"), coerce=int_or_none,
                           validators=[Optional()])
    externals = LinesField(_l("Narasumber luar: satu per baris, Nama | Instansi | Jabatan"))

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.day.choices = [SelectChoice(d.id, d.day_on.isoformat()) for d in event.days]
        trainers = db.session.scalars(select(User).where(User.role == "trainer",
                                                         User.is_active.is_(True))
                                      .order_by(User.name)).all()
        self.trainers.choices = [SelectChoice(u.id, u.name) for u in trainers]

    def speakers(self):
        rows = [{"user_id": uid} for uid in self.trainers.data or ()]
        for line in self.externals.data or ():
            name, institution, position = (line.split("|") + ["", ""])[:3]
            rows.append({"name": name.strip()[:120] or None,
                         "institution": institution.strip()[:160] or None,
                         "position": position.strip()[:160] or None})
        return rows


class MoveForm(FlaskForm):
    day = Choice(_l("Pindah ke hari"), coerce=int_or_none)
    position = IntInput(_l("Urutan"), minimum=1, maximum=100)

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.day.choices = [SelectChoice(d.id, d.day_on.isoformat()) for d in event.days]


class InviteForm(FlaskForm):
    skpds = MultiChoice(_l("Perangkat Daerah"), coerce=int_or_none, validators=[
        DataRequired(_l("Pilih minimal satu Perangkat Daerah."))],
        render_kw={"data-picker": ""})
    quota = IntInput(_l("Kuota peserta"), minimum=1, maximum=500)
    deadline_on = DateInput(_l("Batas pendaftaran (tanggal)"),
                            validators=[InputRequired(REQUIRED)])
    deadline_time = TimeField(_l("Batas pendaftaran (jam)"), validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        skpds = db.session.scalars(select(Skpd).order_by(Skpd.name)).all()
        self.skpds.choices = [SelectChoice(s.id, s.name) for s in skpds]

    def deadline_at(self, zone):
        """The deadline as a UTC instant, typed in the event's zone."""
        local = datetime.combine(self.deadline_on.data, self.deadline_time.data,
                                 tzinfo=ZoneInfo(zone))
        return local.astimezone(timezone.utc)


class QuotaForm(FlaskForm):
    quota = IntInput(_l("Kuota peserta"), minimum=1, maximum=500)


class ParticipantForm(FlaskForm):
    name = StringField(_l("Nama"), filters=[strip],
                       validators=[DataRequired(_l("Nama wajib diisi.")), _max(120)])
    nip = StringField(_l("NIP (opsional)"), filters=[strip], validators=[Optional(), _max(30)])
    position = StringField(_l("Jabatan"), filters=[strip],
                           validators=[DataRequired(_l("Jabatan wajib diisi.")), _max(160)])
    email = EmailInput(_l("E-mail"))
    whatsapp = StringField(_l("Nomor WhatsApp"), filters=[strip], validators=[
        DataRequired(_l("Nomor WhatsApp wajib diisi.")), _max(30)])
    override_reason = TextAreaField(
        _l("Alasan melebihi kuota atau batas waktu (khusus staf)"), filters=[strip],
        validators=[Optional(), _max(1000)])

    def participant(self):
        return {f: getattr(self, f).data for f in ("name", "nip", "position", "email",
                                                    "whatsapp")}


class MaterialForm(FlaskForm):
    """A material of an agenda item: a file or an http(s) link, with a title."""

    title = StringField(_l("Judul materi"), filters=[strip], validators=[
        DataRequired(_l("Judul materi wajib diisi.")), _max(200)])
    file = FileField(_l("Berkas (PDF, PPTX, DOCX, XLSX, JPG, atau PNG)"))
    url = StringField(_l("Atau tautan (diawali https://)"), filters=[strip],
                      validators=[Optional(), _max(1000)])


class FindingForm(FlaskForm):
    skpd = Choice(_l("Perangkat Daerah"), coerce=int_or_none,
                  validators=[DataRequired(_l("Pilih Perangkat Daerah."))])
    text = TextAreaField(_l("Temuan"), filters=[strip], validators=[
        DataRequired(_l("Tuliskan temuannya.")), _max(4000)])

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.skpd.choices = [SelectChoice("", _l("Pilih…"))] + [
            SelectChoice(i.skpd_id, i.skpd.name) for i in invitations if i.withdrawn_at is None]


class NotesForm(FlaskForm):
    notes = TextAreaField(_l("Notulen kegiatan"), filters=[strip], validators=[_max(20000)])


class PhotoForm(FlaskForm):
    photos = MultipleFileField(_l("Foto (JPG atau PNG, boleh beberapa)"))
    caption = StringField(_l("Keterangan foto"), filters=[strip],
                          validators=[Optional(), _max(200)])


class FeedbackForm(FlaskForm):
    rating = IntInput(_l("Penilaian keseluruhan (1 kurang sampai 5 sangat baik)"),
                      minimum=1, maximum=5)
    usefulness = IntInput(_l("Manfaat bagi pekerjaan Anda (1 sampai 5)"), minimum=1, maximum=5)
    comment = TextAreaField(_l("Komentar atau saran (opsional)"), filters=[strip],
                            validators=[Optional(), _max(2000)])


class WalkInForm(FlaskForm):
    """A person at the door: e-mail required, it carries their certificate."""

    name = StringField(_l("Nama"), filters=[strip],
                       validators=[DataRequired(_l("Nama wajib diisi.")), _max(120)])
    skpd = Choice(_l("Perangkat Daerah"), coerce=int_or_none,
                  validators=[DataRequired(_l("Pilih Perangkat Daerah."))])
    position = StringField(_l("Jabatan"), filters=[strip],
                           validators=[DataRequired(_l("Jabatan wajib diisi.")), _max(160)])
    nip = StringField(_l("NIP (opsional)"), filters=[strip], validators=[Optional(), _max(30)])
    email = EmailInput(_l("E-mail (untuk sertifikat)"))
    whatsapp = StringField(_l("Nomor WhatsApp (opsional)"), filters=[strip],
                           validators=[Optional(), _max(30)])

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.skpd.choices = [SelectChoice("", _l("Pilih…"))] + [
            SelectChoice(i.skpd_id, i.skpd.name) for i in invitations if i.withdrawn_at is None]

    def walk_in(self):
        return {"skpd_id": self.skpd.data} | {
            f: getattr(self, f).data for f in ("name", "position", "nip", "email", "whatsapp")}


class ParticipantCancelForm(FlaskForm):
    reason = StringField(_l("Alasan pembatalan"), filters=[strip], validators=[
        DataRequired(_l("Tuliskan alasan pembatalan.")), _max(500)])


class ParticipantNameForm(FlaskForm):
    name = StringField(_l("Nama yang benar"), filters=[strip],
                       validators=[DataRequired(_l("Nama wajib diisi.")), _max(120)])
