"""Form of the office closed dates page: one date and what closes the office that day."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from clinic.extensions import db
from clinic.form_fields import DateInput
from clinic.workdays import ClosedDate


class ClosedDateForm(FlaskForm):
    closed_on = DateInput(_l("Tanggal"), validators=[DataRequired(_l("Isi tanggal."))])
    name = StringField(_l("Keterangan"), validators=[DataRequired(_l("Isi keterangan.")),
                                                     Length(max=120)])

    def validate_closed_on(self, field):
        existing = db.session.scalar(select(ClosedDate.name)
                                     .where(ClosedDate.closed_on == field.data))
        if existing is not None:
            raise ValidationError(_l("Tanggal ini sudah terdaftar sebagai tanggal tutup kantor "
                                     "(%(name)s).", name=existing))
