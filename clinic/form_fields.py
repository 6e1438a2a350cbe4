"""Form fields and coercions shared by the features' forms."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField
from wtforms.validators import Length, Optional, StopValidation

from clinic.ids import parse_id

BAD_DATE = _l("Tanggal tidak valid; gunakan format TTTT-BB-HH.")


def strip(value):
    """A filter: text without surrounding blanks (other values as they are)."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value):
    """A filter: stripped text, None when nothing is left."""
    return strip(value) or None


def too_long(n):
    """A validator: at most ``n`` characters, said in the user's language."""
    return Length(max=n, message=_l("Paling banyak %(max)d karakter."))


def int_or_none(value):
    """Coerce a posted id: empty is None; garbage or a number too large for an id is -1."""
    # -1 is an id no choice or row has, so a select refuses it as not one of its choices.
    if value in (None, ""):
        return None
    number = parse_id(value)
    return -1 if number is None else number


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
        # Tampered or garbled (-1): treat it as someone else's change.
        return int_or_none(self.version.data)
