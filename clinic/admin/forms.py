"""Forms of the admin pages: work units, the CSV import, accounts, the agency's letterhead and
the audit log filter."""
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from clinic.admin.models import SKPD_KINDS, Skpd
from clinic.admin.services import AGENCY_FIELDS, SKPD_FIELDS, USER_FIELDS, descendant_ids
from clinic.admin.services.agency import NIP_MESSAGE, NIP_PATTERN
from clinic.admin.services.skpd_import import CODE_PATTERN
from clinic.auth.models import Role, User
from clinic.dates import TIMEZONE_CHOICES
from clinic.extensions import db
from clinic.navigation import role_label
from clinic.form_fields import EmailInput, int_or_none, strip

KIND_LABELS = {
    "sekretariat": _l("Sekretariat"),
    "inspektorat": _l("Inspektorat"),
    "badan": _l("Badan"),
    "dinas": _l("Dinas"),
    "rsud": _l("Rumah Sakit Umum Daerah (RSUD)"),
    "satpol": _l("Satuan Polisi Pamong Praja"),
    "kecamatan": _l("Kecamatan"),
    "kelurahan": _l("Kelurahan"),
    "puskesmas": _l("Puskesmas"),
    "sekolah": _l("Sekolah"),
    "uptd": _l("Unit Pelaksana Teknis Daerah (UPTD)"),
    "lainnya": _l("Lainnya"),
}


CHOOSE_FROM_LIST = _l("Pilih salah satu dari daftar.")


def kind_label(kind):
    return KIND_LABELS.get(kind, kind)


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def _skpd_choices(include_ids=(), exclude_ids=()):
    stmt = select(Skpd).where(Skpd.is_active.is_(True) | Skpd.id.in_(list(include_ids)))
    rows = db.session.scalars(stmt.order_by(Skpd.code)).all()
    return [SelectChoice(s.id, f"{s.code} · {s.short_name}") for s in rows if s.id not in exclude_ids]


class SkpdForm(FlaskForm):
    code = StringField(_l("Kode"), filters=[_upper], validators=[
        DataRequired(_l("Kode wajib diisi.")),
        Regexp(CODE_PATTERN, message=_l("Kode hanya boleh huruf besar, angka dan tanda hubung "
                                        "(2-32 karakter), misalnya DINKES atau PKM-TELUKDALAM.")),
    ], description=_l("Singkat dan unik, misalnya DINKES. Huruf kecil diubah menjadi huruf besar."))
    name = StringField(_l("Nama lengkap"), filters=[strip], validators=[
        DataRequired(_l("Nama wajib diisi.")), Length(max=200, message=_l("Nama maksimal 200 karakter.")),
    ])
    short_name = StringField(_l("Nama singkat"), filters=[strip], validators=[
        DataRequired(_l("Nama singkat wajib diisi.")),
        Length(max=80, message=_l("Nama singkat maksimal 80 karakter.")),
    ], description=_l("Dipakai di tabel dan e-mail, misalnya Dinkes."))
    kind = SelectField(_l("Jenis"), invalid_choice_message=CHOOSE_FROM_LIST)
    head_name = StringField(_l("Nama kepala"), filters=[strip], validators=[
        Optional(), Length(max=120, message=_l("Nama kepala maksimal 120 karakter.")),
    ])
    head_email = EmailInput(_l("E-mail kepala"), required=False,
                            description=_l("Menerima eskalasi tindak lanjut yang lama terlambat."))
    parent_id = SelectField(_l("Induk (untuk sub-unit)"), coerce=int_or_none,
                            invalid_choice_message=CHOOSE_FROM_LIST,
                            description=_l("Misalnya Dinas Kesehatan untuk sebuah puskesmas."))
    submit = SubmitField(_l("Simpan"))

    def __init__(self, *args, skpd=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._skpd = skpd
        self.kind.choices = [SelectChoice(k, KIND_LABELS[k]) for k in SKPD_KINDS]
        exclude = set()
        include = set()
        if skpd is not None:
            exclude = {skpd.id} | descendant_ids(skpd)
            include = {skpd.parent_id} if skpd.parent_id else set()
        self.parent_id.choices = [SelectChoice("", _l("Tidak ada (unit utama)"))] + _skpd_choices(include, exclude)

    def validate_code(self, field):
        clash = db.session.scalars(select(Skpd).where(Skpd.code == field.data)).first()
        if clash is not None and clash is not self._skpd:
            # gettext, not the lazy form: a lazy string would reach the page unescaped.
            raise ValidationError(gettext("Kode %(code)s sudah dipakai oleh %(name)s.",
                                          code=field.data, name=clash.name))

    def values(self):
        """The submitted fields, and only those, as keyword arguments for the service."""
        return {name: self[name].data for name in SKPD_FIELDS}


class SkpdImportForm(FlaskForm):
    file = FileField(_l("Berkas CSV"), validators=[FileRequired(_l("Pilih berkas CSV yang akan diimpor."))],
                     render_kw={"accept": ".csv,text/csv"})
    submit = SubmitField(_l("Periksa dan impor"))


class UserForm(FlaskForm):
    email = EmailInput(_l("E-mail"), message=_l("E-mail wajib diisi."))
    name = StringField(_l("Nama lengkap"), filters=[strip], validators=[
        DataRequired(_l("Nama wajib diisi.")), Length(max=120, message=_l("Nama maksimal 120 karakter.")),
    ])
    role = SelectField(_l("Peran"))
    skpd_id = SelectField(_l("Perangkat Daerah (SKPD)"), coerce=int_or_none,
                          description=_l("Wajib untuk Operator SKPD; kosongkan untuk peran lain."))
    institution = StringField(_l("Instansi"), filters=[strip], validators=[
        Optional(), Length(max=120, message=_l("Instansi maksimal 120 karakter.")),
    ], description=_l("Untuk narasumber, misalnya BRIN atau BSKDN Kemendagri."))
    position = StringField(_l("Jabatan"), filters=[strip], validators=[
        Optional(), Length(max=120, message=_l("Jabatan maksimal 120 karakter.")),
    ])
    phone = StringField(_l("Nomor telepon"), filters=[strip], validators=[
        Optional(), Length(max=40, message=_l("Nomor telepon maksimal 40 karakter.")),
        Regexp(r"^[0-9+()\-. ]+$", message=_l("Nomor telepon hanya boleh angka, spasi, +, -, dan tanda kurung.")),
    ])
    locale = SelectField(_l("Bahasa"))
    timezone = SelectField(_l("Zona waktu"))
    submit = SubmitField(_l("Simpan"))

    def __init__(self, *args, roles=Role.ALL, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user
        self.role.choices = [SelectChoice(r, role_label(r)) for r in roles]
        include = {user.skpd_id} if user is not None and user.skpd_id else set()
        self.skpd_id.choices = [SelectChoice("", _l("Tidak ada"))] + _skpd_choices(include)
        self.locale.choices = [SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")]
        self.timezone.choices = [SelectChoice("", _l("Ikuti pengaturan kota"))] + [
            SelectChoice(tz) for tz in TIMEZONE_CHOICES
        ]
        for field in (self.role, self.skpd_id, self.locale, self.timezone):
            field.invalid_choice_message = CHOOSE_FROM_LIST

    def validate_email(self, field):
        clash = db.session.scalars(select(User).where(func.lower(User.email) == field.data)).first()
        if clash is not None and clash is not self._user:
            raise ValidationError(gettext("E-mail %(email)s sudah dipakai oleh akun lain.",
                                          email=field.data))

    def validate_skpd_id(self, field):
        if self.role.data == Role.CONTACT and field.data is None:
            raise ValidationError(_l("Operator SKPD wajib terikat pada satu Perangkat Daerah."))
        if self.role.data != Role.CONTACT and field.data is not None:
            raise ValidationError(_l("Kosongkan Perangkat Daerah: hanya Operator SKPD yang terikat "
                                     "pada Perangkat Daerah."))

    def values(self):
        """The submitted fields, and only those, as keyword arguments for the service."""
        return {name: self[name].data for name in USER_FIELDS}


def _text(label, n, required=False, **kwargs):
    first = DataRequired(_l("Wajib diisi.")) if required else Optional()
    return StringField(label, filters=[strip], validators=[
        first, Length(max=n, message=_l("Maksimal %(max)s karakter.", max=n))], **kwargs)


class AgencyForm(FlaskForm):
    """The letterhead (kop surat) and the signer of letters and certificates."""

    government = _text(_l("Baris pemerintah daerah"), 160, required=True,
                       description=_l("Misalnya PEMERINTAH KOTA BANJARMASIN."))
    agency = _text(_l("Nama instansi"), 200, required=True)
    address = _text(_l("Alamat"), 300)
    contact = _text(_l("Telepon, e-mail, laman"), 200)
    place = _text(_l("Tempat penandatanganan surat"), 80, required=True,
                  description=_l("Ditulis sebelum tanggal surat, misalnya Banjarmasin."))
    signer_name = _text(_l("Nama penanda tangan"), 120)
    signer_position = _text(_l("Jabatan penanda tangan"), 160)
    signer_rank = _text(_l("Pangkat/golongan"), 120)
    signer_nip = StringField(_l("NIP penanda tangan"), filters=[strip], validators=[
        Optional(), Regexp(NIP_PATTERN, message=NIP_MESSAGE)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    submit = SubmitField(_l("Simpan"))

    def values(self):
        """The submitted fields, and only those, as keyword arguments for the service."""
        return {name: self[name].data for name in AGENCY_FIELDS}


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    action = SelectField(_l("Tindakan"), validate_choice=False)
    actor = StringField(_l("E-mail pelaku berisi"), filters=[strip],
                        validators=[Optional(), Length(max=254)])
    object_type = SelectField(_l("Jenis objek"), validate_choice=False)
    date_from = DateField(_l("Dari tanggal"), validators=[Optional()],
                          invalid_value_message=_l("Tanggal tidak valid."))
    date_to = DateField(_l("Sampai tanggal"), validators=[Optional()],
                        invalid_value_message=_l("Tanggal tidak valid."))
    submit = SubmitField(_l("Saring"))

    def __init__(self, *args, actions=(), object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", _l("Semua"))] + [SelectChoice(a) for a in actions]
        self.object_type.choices = [SelectChoice("", _l("Semua"))] + [SelectChoice(t) for t in object_types]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal awal."))
