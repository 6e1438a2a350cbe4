"""Forms of the item page (level, note, evidence), the review actions and the SPD assignment."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from wtforms import BooleanField, RadioField, SelectField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from clinic.admin.models import Skpd
from clinic.extensions import db
from clinic.form_fields import VersionedForm, int_or_none, strip

NOTE_MAX = 4000
REASON_MAX = 4000


class ItemForm(VersionedForm):
    """The one form of an item page: level, note, new files, a link.

    Its buttons post the same fields to save, upload, add a link or submit, so what the user
    typed survives whichever action is refused.
    """

    level = RadioField(_l("Tingkat (parameter)"), coerce=int_or_none, validate_choice=False,
                       validators=[Optional()])
    note = TextAreaField(_l("Catatan untuk verifikator"), filters=[strip], validators=[
        Length(max=NOTE_MAX, message=_l("Catatan maksimal %(max)s karakter.", max=NOTE_MAX)),
    ])
    files = MultipleFileField(_l("Unggah berkas"))
    replace = BooleanField(_l("Ganti berkas sebelumnya (berkas lama tetap tersimpan di riwayat "
                              "sebagai berkas yang diganti)"))
    url = URLField(_l("Tautan"), filters=[strip], validators=[
        Optional(), Length(max=1000, message=_l("Tautan maksimal 1000 karakter.")),
    ])

    def __init__(self, *args, item=None, **kwargs):
        if item is not None:
            # Fields a request leaves out keep the item's values (a missing radio is no choice).
            kwargs.setdefault("data", {"level": item.level, "note": item.note})
        super().__init__(*args, **kwargs)
        if item is not None:
            self.level.choices = [SelectChoice(lv.level, lv.label) for lv in item.indicator.levels]
            if kwargs.get("formdata", True) is None or not self.is_submitted():
                self.version.data = item.version_id


class ReturnForm(VersionedForm):
    reason = TextAreaField(_l("Alasan pengembalian"), filters=[strip], validators=[
        DataRequired(_l("Tuliskan alasan pengembalian agar Perangkat Daerah tahu apa yang harus "
                        "diperbaiki.")),
        Length(max=REASON_MAX, message=_l("Alasan maksimal %(max)s karakter.", max=REASON_MAX)),
    ], description=_l("Alasan ini dikirim lewat e-mail kepada operator Perangkat Daerah dan "
                      "tampil di halaman butir."))


class VerifyForm(VersionedForm):
    """Verify one item; the version makes sure staff verify what they looked at."""


class SpdAssignForm(FlaskForm):
    skpd_id = SelectField(_l("Ditugaskan kepada"), coerce=int_or_none,
                          invalid_choice_message=_l("Pilih Perangkat Daerah dari daftar."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skpd_id.choices = [SelectChoice(None, _l("Bappeda (tidak ditugaskan)"))] + [
            SelectChoice(s.id, f"{s.code} · {s.short_name}") for s in active_skpds()
        ]


def active_skpds():
    return db.session.scalars(select(Skpd).where(Skpd.is_active.is_(True))
                              .order_by(Skpd.code)).all()
