"""Forms of the auth blueprint."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from clinic.auth.passwords import MAX_LENGTH, StrongPassword
from clinic.dates import TIMEZONE_CHOICES
from clinic.form_fields import EmailInput


class LoginForm(FlaskForm):
    email = EmailInput(_l("E-mail"))
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=MAX_LENGTH * 4)])
    remember = BooleanField(_l("Ingat saya di perangkat ini"))
    submit = SubmitField(_l("Masuk"))


class ForgotPasswordForm(FlaskForm):
    # The rule of every address (.test included, for the demo); a refusal tells nothing about
    # accounts: it is the same whether or not an account has that address.
    email = EmailInput(_l("E-mail"))
    submit = SubmitField(_l("Kirim tautan atur ulang"))


SAME_PASSWORD = _l("Kata sandi baru sama dengan kata sandi saat ini. Pilih kata sandi lain.")


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), StrongPassword()])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("password", message=_l("Kedua kata sandi tidak sama."))],
    )
    submit = SubmitField(_l("Simpan kata sandi"))
    _user = None  # the account whose password a link sets; the view fills it in

    def validate_password(self, field):
        # Checked against the stored hash: a reset link must not set the old password again.
        if not field.errors and self._user is not None and self._user.check_password(field.data):
            raise ValidationError(SAME_PASSWORD)


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired()])

    def validate_password(self, field):
        # Compared with what was typed as the current password, not with the hash: the view
        # checks that one and counts wrong guesses, so this answer tells a guesser nothing.
        if field.data == self.current.data:
            raise ValidationError(SAME_PASSWORD)


class ProfileForm(FlaskForm):
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(), Length(max=120)])
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Nomor telepon"), validators=[Optional(), Length(max=40)])
    locale = SelectField(_l("Bahasa"), choices=[SelectChoice("id", "Bahasa Indonesia"),
                                                SelectChoice("en", "English")])
    timezone = SelectField(_l("Zona waktu"))
    digest_frequency = SelectField(
        _l("Ringkasan harian"),
        choices=[SelectChoice("daily", _l("Setiap hari kerja")),
                 SelectChoice("weekly", _l("Mingguan (Senin)")),
                 SelectChoice("off", _l("Tidak usah"))],
        description=_l("Undangan, pemberitahuan butir dikembalikan, dan eskalasi selalu dikirim."))
    submit = SubmitField(_l("Simpan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice("", _l("Ikuti pengaturan kota"))] + [
            SelectChoice(tz) for tz in TIMEZONE_CHOICES
        ]
