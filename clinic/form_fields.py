"""Form fields and coercions shared by the features' forms."""
from datetime import date, time

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, EmailField, HiddenField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from clinic.ids import parse_id

BAD_DATE = _l("Tanggal tidak valid; gunakan format TTTT-BB-HH.")
REQUIRED = _l("Wajib diisi.")
CHOOSE_FROM_LIST = _l("Pilih salah satu pilihan yang tersedia.")


def strip(value):
    """A filter: text without surrounding blanks (other values as they are)."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value):
    """A filter: stripped text, None when nothing is left."""
    return strip(value) or None


def too_long(n):
    """A validator: at most ``n`` characters, said in the user's language."""
    return Length(max=n, message=_l("Paling banyak %(max)d karakter."))


EMAIL_MAX = 254  # RFC 5321: the longest address a mail server must accept
EMAIL_TOO_LONG = _l("Alamat e-mail terlalu panjang (paling banyak 254 karakter).")
EMAIL_NO_AT = _l("Alamat e-mail tidak valid: tanda @ tidak ada. Tulis lengkap, misalnya "
                 "nama@banjarmasinkota.go.id.")
EMAIL_TWO_AT = _l("Alamat e-mail tidak valid: tanda @ hanya boleh ada satu.")
EMAIL_SPACE = _l("Alamat e-mail tidak valid: ada spasi di dalamnya. Hapus spasinya.")
EMAIL_LOCAL = _l("Alamat e-mail tidak valid: bagian sebelum tanda @ kosong atau memuat karakter "
                 "yang tidak diizinkan.")
EMAIL_DOMAIN = _l("Alamat e-mail tidak valid: nama domain setelah tanda @ salah atau tidak "
                  "lengkap (contoh yang benar: banjarmasinkota.go.id).")
EMAIL_RESERVED = _l("Alamat e-mail tidak valid: domain setelah tanda @ adalah nama khusus "
                    "(misalnya localhost atau .local) yang tidak dapat menerima e-mail. Gunakan "
                    "alamat e-mail yang aktif.")
EMAIL_INVALID = _l("Alamat e-mail tidak valid. Tulis lengkap, misalnya "
                   "nama@banjarmasinkota.go.id.")


def normal_email(value):
    """A filter: an address without surrounding blanks, in lower case (as accounts store it)."""
    return value.strip().lower() if isinstance(value, str) else value


def email_problem(address):
    """Why ``address`` is not an e-mail address the app accepts (None when it is).

    The one rule of every e-mail field, the CSV import and the services: the syntax of RFC 5322
    without DNS look-ups (government networks are often closed), and no special-use domain
    that cannot receive mail (``localhost``, ``.local``, ``.invalid``...). ``.test`` is
    accepted on purpose: RFC 6761 reserves it for testing, no real mailbox can be there, and
    the demo accounts (``@demo.test``) must stay editable in every configuration.
    """
    if len(address) > EMAIL_MAX:
        return EMAIL_TOO_LONG
    if any(ch.isspace() for ch in address):
        return EMAIL_SPACE
    if "@" not in address:
        return EMAIL_NO_AT
    if address.count("@") > 1:
        return EMAIL_TWO_AT
    try:
        validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        reason = str(exc)
        local = address.rpartition("@")[0]
        if "special-use" in reason:
            return EMAIL_RESERVED
        if (not local or "before the @" in reason or ".." in local
                or local.startswith(".") or local.endswith(".")):
            return EMAIL_LOCAL
        if "after the @" in reason or "period" in reason or "hyphen" in reason:
            return EMAIL_DOMAIN
        return EMAIL_INVALID
    return None


def checked_email(address):
    """``address`` as stored (stripped, lower case); ValueError(message) when it is refused."""
    address = normal_email(address or "")
    problem = email_problem(address)
    if problem:
        raise ValueError(problem)
    return address


class EmailAddress:
    """A validator: ``email_problem`` says whether the field holds an acceptable address."""

    def __call__(self, form, field):
        if field.data:
            problem = email_problem(field.data)
            if problem:
                raise StopValidation(problem)


class EmailInput(EmailField):
    """An e-mail address field: required or not, one rule (``email_problem``) everywhere.

    It shows back what was typed when the address is refused, not the normalised value.
    """

    def __init__(self, label=None, validators=None, required=True, message=REQUIRED, **kwargs):
        first = DataRequired(message) if required else Optional()
        kwargs.setdefault("filters", [normal_email])
        super().__init__(label, [first, *(validators or []), EmailAddress()], **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return super()._value()


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


class BoundedInput(StringField):
    """A number typed as text, required or not, between two bounds; subclasses read it."""

    def __init__(self, label=None, validators=None, required=True, minimum=0, maximum=100000,
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required, self.minimum, self.maximum = required, minimum, maximum
        self.flags.required = required

    def problem(self, value):
        """Why ``value`` cannot be taken (None when it can)."""
        raise NotImplementedError

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            if self.required:
                raise StopValidation(REQUIRED)
            return
        problem = self.problem(self.data)
        if problem:
            raise StopValidation(problem)


class IntInput(BoundedInput):
    """A whole number between two bounds, with messages in the user's language."""

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if text:
            if not text.lstrip("-").isdigit() or len(text) > 12:
                raise ValueError(_l("Isi dengan bilangan bulat."))
            self.data = int(text)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def problem(self, value):
        if not self.minimum <= value <= self.maximum:
            return _l("Harus antara %(min)s dan %(max)s.", min=self.minimum, max=self.maximum)
        return None


class ClockInput(StringField):
    """A time of day typed as 08:00 or 08.00."""

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if text:
            hours, sep, minutes = text.replace(".", ":").partition(":")
            if not (hours.isdigit() and minutes.isdigit() and sep and len(minutes) == 2
                    and int(hours) < 24 and int(minutes) < 60):
                raise ValueError(_l("Isi jam dengan format 08:00."))
            self.data = time(int(hours), int(minutes))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            raise StopValidation(REQUIRED)


class LinesField(TextAreaField):
    """A list of texts, one per line."""

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in text.splitlines() if line.strip()]

    def _value(self):
        return "\n".join(self.data or [])


class Choice(SelectField):
    """A select whose refusal speaks the user's language."""

    def pre_validate(self, form):
        values = _values(self.choices)
        if self.data in (None, "") and "" in values:
            return  # nothing chosen: the field's own validator says what to do
        if self.data not in values:
            raise StopValidation(CHOOSE_FROM_LIST)


class MultiChoice(SelectMultipleField):
    """A multiple select whose refusal speaks the user's language."""

    def pre_validate(self, form):
        allowed = _values(self.choices)
        if any(value not in allowed for value in self.data or ()):
            raise StopValidation(CHOOSE_FROM_LIST)


def _values(choices):
    return {SelectChoice.from_input(choice).value for choice in choices or ()}
