"""Form fields and coercions shared by the features' forms."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField
from wtforms.validators import Optional, StopValidation

BAD_DATE = _l("Tanggal tidak valid; gunakan format TTTT-BB-HH.")


def int_or_none(value):
    """Coerce a posted id: empty means None; garbage becomes an id no choice or row has."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class DateInput(DateField):
    """An optional date (the browser's date picker sends YYYY-MM-DD)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators or [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(BAD_DATE) from exc

    def pre_validate(self, form):
        if isinstance(self.data, date) and not 1900 <= self.data.year <= 2999:
            raise StopValidation(BAD_DATE)


class VersionedForm(FlaskForm):
    """A form that carries the version of the row the user opened (optimistic locking)."""

    version = HiddenField()
    conflict = False  # set by the view when the save lost against someone else's

    @property
    def expected_version(self):
        if self.version.data in (None, ""):
            return None
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1  # tampered or garbled: treat it as someone else's change
