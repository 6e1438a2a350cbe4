"""Forms of the session pages: schedule or edit a session, cancel it."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from wtforms import BooleanField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from clinic import uploads
from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.catalogue.services import current_cycle
from clinic.dates import INDONESIAN_ZONES, TIMEZONE_CHOICES
from clinic.extensions import db
from clinic.form_fields import (Choice, DateInput, MultiChoice, VersionedForm, int_or_none,
                                strip)
from clinic.reporting.models import Innovation

REASON_MAX = 4000
REPEAT_MAX = 12


def _max(n):
    return Length(max=n, message=_l("Maksimal %(max)s karakter.", max=n))


def _label(user):
    return f"{user.name} ({user.email})"


class SessionForm(VersionedForm):
    """Schedule a session (or a weekly series), or change one: times are local to ``timezone``."""

    title = StringField(_l("Judul"), filters=[strip], validators=[
        DataRequired(_l("Judul sesi wajib diisi.")), _max(200)])
    skpds = MultiChoice(_l("Perangkat Daerah"), coerce=int_or_none, validators=[
        DataRequired(_l("Pilih minimal satu Perangkat Daerah."))])
    trainers = MultiChoice(_l("Narasumber"), coerce=int_or_none, validators=[
        DataRequired(_l("Pilih minimal satu narasumber."))])
    date = DateInput(_l("Tanggal"), validators=[InputRequired(_l("Tanggal wajib diisi."))])
    start = TimeField(_l("Jam mulai"), validators=[InputRequired(_l("Jam mulai wajib diisi."))])
    end = TimeField(_l("Jam selesai"), validators=[InputRequired(_l("Jam selesai wajib diisi."))])
    timezone = Choice(_l("Zona waktu"),
                      choices=[SelectChoice(key, f"{label} ({key})")
                               for key, label in INDONESIAN_ZONES.items()])
    room = StringField(_l("Ruang"), filters=[strip], validators=[Optional(), _max(120)],
                       description=_l("Ruang bernama diperiksa agar tidak dipakai dua sesi "
                                      "sekaligus."))
    place = StringField(_l("Tempat"), filters=[strip], validators=[Optional(), _max(255)])
    online_url = StringField(_l("Tautan daring"), filters=[strip],
                             validators=[Optional(), _max(500)])
    agenda = TextAreaField(_l("Agenda"), filters=[strip], validators=[Optional(), _max(4000)])
    innovations = MultiChoice(_l("Inovasi yang dibahas"), coerce=int_or_none,
                              validators=[Optional()])
    repeat = Choice(_l("Pengulangan"), choices=[
        SelectChoice("none", _l("Tidak berulang")), SelectChoice("weekly", _l("Setiap minggu"))],
        default="none")
    repeat_count = IntegerField(_l("Setiap minggu selama N minggu"), default=4, validators=[
        Optional(), NumberRange(2, REPEAT_MAX, _l("Jumlah minggu antara %(min)s dan %(max)s."))])
    confirm = BooleanField(_l("Saya sudah membaca peringatan dan tetap ingin menyimpan"))

    def __init__(self, *args, session=None, default_zone=None, **kwargs):
        if session is not None:
            kwargs.setdefault("data", _session_data(session))
        else:
            zone = default_zone if default_zone in TIMEZONE_CHOICES else "Asia/Makassar"
            kwargs.setdefault("data", {"timezone": zone, "repeat": "none", "repeat_count": 4})
        super().__init__(*args, **kwargs)
        self.session = session
        if session is not None:
            del self.repeat, self.repeat_count  # a series is made when scheduling only
            if not self.is_submitted():
                self.version.data = session.version_id
        self._set_choices(session)

    def _set_choices(self, session):
        kept_skpds = [s.id for s in session.skpds] if session else []
        skpds = db.session.scalars(select(Skpd).where(or_(Skpd.is_active, Skpd.id.in_(kept_skpds)))
                                   .order_by(Skpd.code))
        self.skpds.choices = [SelectChoice(s.id, f"{s.code} · {s.name}") for s in skpds]
        kept_trainers = [u.id for u in session.trainers] if session else []
        self.trainers.choices = [SelectChoice(u.id, _label(u)) for u in db.session.scalars(
            select(User).where(or_(User.role == "trainer", User.id.in_(kept_trainers)),
                               or_(User.is_active, User.id.in_(kept_trainers)))
            .order_by(User.name))]
        cycle = current_cycle()
        kept = [i.id for i in session.innovations] if session else []
        rows = db.session.execute(
            select(Innovation, Skpd.name).join(Skpd, Skpd.id == Innovation.skpd_id)
            .where(or_(Innovation.cycle_id == (cycle.id if cycle else None),
                       Innovation.id.in_(kept)))
            .order_by(Skpd.name, Innovation.name))
        self.innovation_skpd = {}
        self.innovations.choices = []
        for innovation, skpd_name in rows:
            self.innovation_skpd[innovation.id] = innovation.skpd_id
            self.innovations.choices.append(
                SelectChoice(innovation.id, innovation.name, optgroup=skpd_name))

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("Jam selesai harus sesudah jam mulai."))

    def validate_online_url(self, field):
        if field.data:
            try:
                field.data = uploads.validate_link(field.data)
            except uploads.UploadRejected as exc:
                raise ValidationError(str(exc.message)) from None

    def validate_innovations(self, field):
        chosen = set(self.skpds.data or ())
        if any(self.innovation_skpd.get(i) not in chosen for i in field.data or ()):
            raise ValidationError(_l("Pilih hanya inovasi milik Perangkat Daerah yang dipilih."))

    def values(self):
        """What the services need: ids, UTC instants of the first session, the series length."""
        zone = ZoneInfo(self.timezone.data)
        starts = datetime.combine(self.date.data, self.start.data, tzinfo=zone)
        ends = datetime.combine(self.date.data, self.end.data, tzinfo=zone)
        weekly = getattr(self, "repeat", None) is not None and self.repeat.data == "weekly"
        count = (self.repeat_count.data or 2) if weekly else 1
        return {
            "title": self.title.data, "skpd_ids": list(self.skpds.data),
            "trainer_ids": list(self.trainers.data),
            "innovation_ids": list(self.innovations.data or ()),
            "starts_at": starts.astimezone(timezone.utc), "ends_at": ends.astimezone(timezone.utc),
            "timezone": self.timezone.data, "room": self.room.data or None,
            "place": self.place.data or None, "online_url": self.online_url.data or None,
            "agenda": self.agenda.data or None, "count": count,
        }


def _session_data(session):
    zone = ZoneInfo(session.timezone)
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    return {
        "title": session.title, "skpds": [s.id for s in session.skpds],
        "trainers": [u.id for u in session.trainers],
        "innovations": [i.id for i in session.innovations],
        "date": start.date(), "start": start.time().replace(tzinfo=None),
        "end": end.time().replace(tzinfo=None), "timezone": session.timezone,
        "room": session.room, "place": session.place, "online_url": session.online_url,
        "agenda": session.agenda,
    }


class CancelForm(VersionedForm):
    reason = TextAreaField(_l("Alasan pembatalan"), filters=[strip], validators=[
        DataRequired(_l("Tuliskan alasan pembatalan; alasan ini dikirim kepada semua peserta.")),
        _max(REASON_MAX)])
