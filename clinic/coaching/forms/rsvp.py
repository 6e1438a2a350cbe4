"""The form of the answer page an invitation's links open (no login: the signed link is the key)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from clinic.coaching.models import RsvpAnswer
from clinic.form_fields import strip


class RsvpForm(FlaskForm):
    answer = RadioField(_l("Jawaban Anda"), choices=[
        SelectChoice(RsvpAnswer.YES, _l("Hadir")), SelectChoice(RsvpAnswer.NO, _l("Tidak hadir")),
        SelectChoice(RsvpAnswer.DELEGATED, _l("Diwakilkan"))],
        validators=[DataRequired(_l("Pilih Hadir, Tidak hadir, atau Diwakilkan."))])
    representative = StringField(
        _l("Nama yang mewakili (bila diwakilkan, boleh dikosongkan)"), filters=[strip],
        validators=[Optional(), Length(max=120, message=_l("Nama maksimal %(max)s karakter.",
                                                           max=120))])
