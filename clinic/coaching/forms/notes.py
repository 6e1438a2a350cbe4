"""Forms of the attendance list, the notes editor and the findings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from clinic.coaching.attendance import STATUS_LABELS, row_key
from clinic.form_fields import VersionedForm, int_or_none, strip

NOTES_MAX = 50000
FINDING_MAX = 2000


class AttendanceForm(FlaskForm):
    """One status select per participant, named by a key that survives the first save."""

    def statuses(self, rows):
        """``{attendance_id: status}`` for the rows whose select was posted."""
        values = {}
        for row in rows:
            field = self._fields.get(f"status_{row_key(row)}")
            if field is not None and field.raw_data:
                values[row.id] = field.data or None
        return values


def attendance_form(rows, suggested=None, **kwargs):
    """Build the list's form with a select per row (rows may not be saved yet); a row not
    recorded yet starts at its ``suggested`` status ({user id: status}, from the invitees'
    answers), saved only when the list is."""
    suggested = suggested or {}
    choices = [SelectChoice("", _l("— belum diisi —"))] + [
        SelectChoice(status, label) for status, label in STATUS_LABELS.items()]

    class Form(AttendanceForm):
        pass

    for row in rows:
        setattr(Form, f"status_{row_key(row)}", SelectField(
            _l("Kehadiran %(name)s", name=row.name), choices=choices,
            default=row.status or suggested.get(row.user_id) or "",
            validate_choice=True, invalid_choice_message=_l("Pilih status kehadiran dari daftar.")))
    return Form(**kwargs)


class ParticipantForm(FlaskForm):
    name = StringField(_l("Nama"), filters=[strip], validators=[
        DataRequired(_l("Tuliskan nama peserta.")),
        Length(max=120, message=_l("Nama maksimal %(max)s karakter.", max=120))])
    position = StringField(_l("Jabatan / instansi"), filters=[strip], validators=[
        Optional(), Length(max=120, message=_l("Jabatan maksimal %(max)s karakter.", max=120))])
    nip = StringField(_l("NIP (bila ada)"), filters=[lambda v: v.replace(" ", "") if v else v],
                      validators=[Optional(), Regexp(r"^\d{18}$", message=_l(
                          "NIP terdiri dari 18 angka tanpa spasi atau tanda baca, misalnya "
                          "198703152010011002. Kosongkan bila tidak ada."))])
    skpd_id = SelectField(_l("Perangkat Daerah"), coerce=int_or_none, validate_choice=False)

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.skpd_id.choices = [("", _l("Lainnya (Bappeda, narasumber, tamu)"))] + [
            (s.id, s.name) for s in (session.skpds if session is not None else [])]


class NotesForm(VersionedForm):
    body = TextAreaField(_l("Notulen"), validators=[
        Length(max=NOTES_MAX, message=_l("Notulen maksimal %(max)s karakter.", max=NOTES_MAX))],
        description=_l("Format Markdown: **tebal**, *miring*, baris diawali \"- \" untuk daftar, "
                       "\"1. \" untuk daftar bernomor, \"# \" untuk judul bagian. Terlihat oleh "
                       "Perangkat Daerah dan dikirim kepada peserta saat ditandatangani."))
    private_body = TextAreaField(
        _l("Catatan internal (tidak terlihat oleh Perangkat Daerah)"), validators=[
            Length(max=NOTES_MAX, message=_l("Catatan maksimal %(max)s karakter.",
                                             max=NOTES_MAX))],
        description=_l("Hanya untuk Bappeda dan narasumber; tidak ikut dikirim maupun dicetak."))


class FindingForm(FlaskForm):
    text = TextAreaField(_l("Temuan"), filters=[strip], validators=[
        DataRequired(_l("Tuliskan temuannya.")),
        Length(max=FINDING_MAX, message=_l("Temuan maksimal %(max)s karakter.",
                                           max=FINDING_MAX))])
    innovation_id = SelectField(_l("Tentang inovasi"), coerce=int_or_none, validate_choice=False)
    item_id = SelectField(_l("Butir laporan"), coerce=int_or_none, validate_choice=False)
    next = HiddenField()

    def __init__(self, *args, innovations=(), items=(), id_prefix="finding-new", **kwargs):
        super().__init__(*args, **kwargs)
        # Several of these forms share a page: each gets its own element ids.
        for field in self:
            field.id = f"{id_prefix}-{field.name}"
        self.innovation_id.choices = [("", _l("— tidak terkait inovasi —"))] + [
            (i.id, i.name) for i in innovations]
        names = {i.id: i.name for i in innovations}
        # A searchable picker (static/js/app.js), grouped by innovation and narrowed to the
        # innovation chosen above; an SPD item (no innovation) shows while none is chosen.
        self.item_id.render_kw = {"data-picker": "", "data-picker-narrow": self.innovation_id.id}
        self.innovation_id.render_kw = {"data-picker": ""}
        self.item_id.choices = [SelectChoice("", _l("— tidak terkait butir —"))] + [
            SelectChoice(item.id, f"{names.get(item.innovation_id) or _l('Butir SPD')} · "
                                  f"{item.indicator.code} · {item.indicator.name}",
                         render_kw={"data-narrow-value": str(item.innovation_id or "")},
                         optgroup=str(names.get(item.innovation_id) or _l("Butir SPD")))
            for item in items]
