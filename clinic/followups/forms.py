"""Forms of the follow-up pages: the task, a status update, close/cancel/reopen reasons."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from clinic.auth.models import Role
from clinic.dates import fmt_date_short
from clinic.followups import queries
from clinic.followups.models import TaskPriority
from clinic.followups.labels import PRIORITY_LABELS, STATUS_LABELS
from clinic.followups.services import TITLE_MAX, active_contacts
from clinic.followups.sources import session_rules
from clinic.form_fields import DateInput, VersionedForm, int_or_none, strip

TEXT_MAX = 4000


class TaskForm(VersionedForm):
    """Create or edit a task; ``skpds`` are the SKPDs the user may choose (None when fixed)."""

    skpd_id = SelectField(_l("Perangkat Daerah"), coerce=int_or_none,
                          validators=[DataRequired(_l("Pilih Perangkat Daerah."))],
                          invalid_choice_message=_l("Pilih Perangkat Daerah dari daftar."))
    title = StringField(_l("Judul"), filters=[strip], validators=[
        DataRequired(_l("Judul tindak lanjut wajib diisi.")),
        Length(max=TITLE_MAX, message=_l("Judul maksimal %(max)s karakter.", max=TITLE_MAX))])
    description = TextAreaField(_l("Uraian"), filters=[strip], validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("Uraian maksimal %(max)s karakter.",
                                                    max=TEXT_MAX))])
    # The validate_* methods below check these choices, with messages that say which to pick.
    owner_id = SelectField(_l("Penanggung jawab"), coerce=int_or_none, validate_choice=False,
                           validators=[Optional()])
    due_on = DateInput(_l("Tenggat"))
    priority = SelectField(_l("Prioritas"), default=TaskPriority.NORMAL,
                           choices=[SelectChoice(key, label)
                                    for key, label in PRIORITY_LABELS.items()])
    item_id = SelectField(_l("Butir laporan terkait"), coerce=int_or_none, validate_choice=False,
                          validators=[Optional()])
    session_id = SelectField(_l("Sesi pendampingan"), coerce=int_or_none, validate_choice=False,
                             validators=[Optional()])

    def __init__(self, *args, user, skpds=(), skpd_id=None, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        if task is not None:
            # The SKPD and the session of an existing task stay as they are.
            del self.skpd_id, self.session_id
            chosen = task.skpd_id
        else:
            self.skpd_id.choices = [(s.id, f"{s.code} · {s.name}") for s in skpds]
            chosen = self.skpd_id.data or skpd_id
            required = user.role == Role.TRAINER
            # The linkable sessions by id: the view links the chosen one to the new task.
            self.sessions = {s.id: s for s in session_rules().linkable(user, chosen)}
            self.session_id.choices = ([] if required else [("", _l("— tidak ada —"))]) + [
                (s.id, f"{fmt_date_short(s.starts_at, s.timezone)} · {s.title}")
                for s in self.sessions.values()]
        self.owner_id.choices = [("", _l("— belum ditentukan —"))] + [
            (u.id, u.name) for u in active_contacts(chosen)]
        # Hundreds of items: a searchable picker (static/js/app.js), grouped by innovation;
        # the choices are the chosen SKPD's items that ``user`` may see (queries.item_choices).
        self.item_id.render_kw = {"data-picker": ""}
        self.item_id.choices = [SelectChoice("", _l("— tidak ada —"))] + [
            SelectChoice(i.id, label, optgroup=i.innovation.name if i.innovation
                         else str(_l("Butir SPD")))
            for i, label in queries.item_choices(user, chosen)]

    def validate_session_id(self, field):
        ids = {c[0] for c in field.choices}
        if field.data not in ids:
            if field.data is None and "" in ids:
                return
            raise ValidationError(_l("Pilih sesi pendampingan dengan Perangkat Daerah ini."))

    def validate_owner_id(self, field):
        if field.data is not None and field.data not in {c[0] for c in field.choices}:
            raise ValidationError(_l("Penanggung jawab harus operator aktif dari Perangkat "
                                     "Daerah yang dipilih."))

    def validate_item_id(self, field):
        values = {SelectChoice.from_input(c).value for c in field.choices}
        if field.data is not None and field.data not in values:
            raise ValidationError(_l("Pilih butir laporan milik Perangkat Daerah ini."))


class StatusForm(VersionedForm):
    """A status update: a new status (or none for a comment only), a comment, an attachment."""

    status = SelectField(_l("Status baru"), validate_choice=False, validators=[Optional()])
    comment = TextAreaField(_l("Komentar"), filters=[strip], validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("Komentar maksimal %(max)s karakter.",
                                                    max=TEXT_MAX))])
    attachment = FileField(_l("Lampiran (PDF, JPG, atau PNG)"))

    def __init__(self, *args, moves=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", _l("Tidak berubah (%(status)s)",
                                       status=STATUS_LABELS.get(current, current)))] + [
            (s, STATUS_LABELS[s]) for s in moves]


class ReasonForm(VersionedForm):
    """Close (optional note), cancel or reopen (reason required)."""

    reason = TextAreaField(_l("Alasan"), filters=[strip], validators=[
        DataRequired(_l("Tuliskan alasannya.")),
        Length(max=TEXT_MAX, message=_l("Alasan maksimal %(max)s karakter.", max=TEXT_MAX))])


class CloseForm(VersionedForm):
    comment = TextAreaField(_l("Catatan penutupan"), filters=[strip], validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("Catatan maksimal %(max)s karakter.",
                                                    max=TEXT_MAX))])
