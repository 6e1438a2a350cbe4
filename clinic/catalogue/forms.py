"""Forms of the cycle and catalogue pages; numbers accept the Indonesian decimal comma."""
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, FieldList, Form, FormField, RadioField, SelectField,
                     StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, Regexp, StopValidation, ValidationError

from clinic.catalogue.services import (CYCLE_FIELDS, INDICATOR_FIELDS, MAX_AMOUNT, MAX_LEVELS,
                                       REMINDER_FIELDS, amount_problem, parse_decimal,
                                       research_note_problem)
from clinic.dates import TIMEZONE_CHOICES
from clinic.form_fields import (REQUIRED, BoundedInput, Choice, ClockInput, DateInput, IntInput,
                                LinesField, strip, too_long)
from clinic.ids import parse_id

MAX_BANDS = 12
EXTRA_BANDS = 2


class DecimalInput(BoundedInput):
    """A decimal typed with a comma or a point ('65,01' or '65.01'), shown as the viewer writes."""

    def __init__(self, label=None, validators=None, required=True, minimum=Decimal(0),
                 maximum=MAX_AMOUNT, **kwargs):
        super().__init__(label, validators, required, minimum, maximum, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if text:
            try:
                self.data = parse_decimal(text)
            except ValueError as exc:
                raise ValueError(_l("Isi dengan angka, misalnya 0,75.")) from exc

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]  # keep exactly what the user typed
        if self.data is None:
            return ""
        return format_decimal(Decimal(self.data), format="0.00")

    def problem(self, value):
        return amount_problem(value, self.minimum, self.maximum)


class DayListField(StringField):
    """Days before a deadline as a comma list of positive whole numbers ('14, 7, 3, 1')."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not all(part.isdigit() and 0 < int(part) <= 366 for part in parts):
            self.data = None
            raise ValueError(_l("Isi bilangan bulat positif dipisah koma, misalnya 14, 7, 3, 1."))
        self.data = sorted({int(part) for part in parts}, reverse=True)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        days = [14, 7, 3, 1] if self.data is None else self.data  # None: the default rule
        return ", ".join(str(day) for day in days)


WEEKDAYS = [SelectChoice(day, label) for day, label in enumerate([
    _l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"), _l("Minggu")])]


class BandForm(Form):
    name = StringField(_l("Nama predikat"), [Optional(), too_long(60)], filters=[strip])
    floor = DecimalInput(_l("Batas bawah"), required=False, maximum=Decimal(100))
    remove = BooleanField(_l("Hapus"))

    def validate_floor(self, field):
        if self.remove.data:
            return
        if self.name.data and field.data is None and not field.process_errors:
            raise StopValidation(_l("Isi batas bawah predikat ini."))
        if field.data is not None and not self.name.data:
            raise StopValidation(_l("Isi juga nama predikat untuk batas bawah ini."))


class CycleForm(FlaskForm):
    year = IntInput(_l("Tahun"), minimum=2000, maximum=2100)
    name = StringField(_l("Nama siklus"), [DataRequired(REQUIRED), too_long(120)],
                       filters=[strip])
    internal_deadline_on = DateInput(
        _l("Tenggat internal"),
        description=_l("Batas waktu bagi Perangkat Daerah, sebelum portal nasional ditutup."))
    portal_opens_on = DateInput(_l("Portal nasional dibuka"))
    portal_closes_on = DateInput(_l("Portal nasional ditutup"))
    divisor_min = IntInput(_l("Pembagi minimum (d)"), minimum=1, maximum=1000,
                           description=_l("Jumlah skor SID dibagi MAX(d, jumlah inovasi)."))
    basic_service_min = IntInput(
        _l("Minimal urusan pelayanan dasar (y)"), minimum=0, maximum=6,
        description=_l("Skor Jumlah Inovasi bernilai 0 bila inovasi mencakup kurang dari y "
                       "urusan di bawah."))
    basic_service_urusan = LinesField(_l("Urusan wajib pelayanan dasar"),
                                      description=_l("Satu urusan per baris."))
    count_points = DecimalInput(_l("Poin per inovasi (Jumlah Inovasi)"))
    count_cap = IntInput(_l("Batas jumlah inovasi yang dihitung"), minimum=0, maximum=100000)
    index_max = DecimalInput(_l("Nilai maksimum indeks"), minimum=Decimal("0.01"),
                             maximum=Decimal("99999.99"),
                             description=_l("IID = (SPD + SID) / nilai ini x 100."))
    implementation_from_on = DateInput(_l("Rentang penerapan inovasi: dari"))
    implementation_to_on = DateInput(_l("Rentang penerapan inovasi: sampai"))
    design_min_words = IntInput(_l("Minimal jumlah kata rancang bangun"), minimum=0,
                                maximum=100000)
    target_predicate = StringField(
        _l("Target predikat"), [DataRequired(REQUIRED), too_long(60)], filters=[strip],
        description=_l("Harus sama persis dengan salah satu nama predikat di bawah."))
    timezone = Choice(_l("Zona waktu"))
    notes = TextAreaField(_l("Catatan"), [Optional(), too_long(5000)], filters=[strip])
    # Reminder rules (saved only when posted: see posts_reminder_rules).
    reminders_enabled = BooleanField(_l("Kirim pengingat otomatis"))
    digest_at = ClockInput(
        _l("Jam pengingat harian"),
        description=_l("Waktu setempat (zona waktu siklus) untuk ringkasan harian, hitung mundur, "
                       "eskalasi, dan ringkasan mingguan."))
    digest_task_days = IntInput(_l("Ringkasan memuat tindak lanjut dengan tenggat dalam (hari)"),
                                minimum=0, maximum=365)
    digest_session_days = IntInput(_l("Ringkasan memuat sesi dalam (hari)"), minimum=0,
                                   maximum=365)
    session_reminder_day_before = BooleanField(
        _l("Pengingat sesi pada hari kerja sebelumnya, pada jam pengingat harian"))
    session_reminder_hours = IntInput(_l("Pengingat sesi, jam sebelum mulai"), minimum=0,
                                      maximum=23, description=_l("0 = tanpa pengingat ini."))
    countdown_days = DayListField(
        _l("Hitung mundur tenggat internal (hari sebelum tenggat)"),
        description=_l("Dipisah koma, misalnya 14, 7, 3, 1. Kosongkan untuk tanpa hitung mundur."))
    escalation_overdue_days = IntInput(_l("Eskalasi bila tindak lanjut terlambat (hari)"),
                                       minimum=0, maximum=365)
    escalation_weekday = Choice(_l("Hari eskalasi mingguan"), choices=WEEKDAYS, coerce=int)
    summary_weekday = Choice(_l("Hari ringkasan mingguan untuk Bappeda"), choices=WEEKDAYS,
                             coerce=int)
    bands = FieldList(FormField(BandForm), max_entries=MAX_BANDS)
    submit = SubmitField(_l("Simpan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = list(TIMEZONE_CHOICES)
        stored = getattr(kwargs.get("obj"), "timezone", None)  # never what was posted
        if stored and stored not in zones:
            zones.append(stored)
        self.timezone.choices = [SelectChoice(tz) for tz in zones]

    @property
    def band_errors(self):
        """Errors about the bands as a whole (web.refuse puts them there; rows carry their own)."""
        return [e for e in self.bands.errors if not isinstance(e, (list, tuple, dict))]

    def posts_reminder_rules(self):
        """Whether the post carried the reminder rules (a page or client without them keeps
        the saved rules instead of failing or switching reminders off)."""
        return bool(self.digest_at.raw_data)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.posts_reminder_rules():
            for name in REMINDER_FIELDS:
                self[name].errors = []
            self._errors = None
            valid = not self.errors
        return valid

    def add_blank_bands(self):
        for _ in range(min(EXTRA_BANDS, MAX_BANDS - len(self.bands))):
            self.bands.append_entry()

    def band_rows(self):
        """The bands to keep: [(name, floor)] of filled rows not marked for removal."""
        return [(row.form.name.data, row.form.floor.data) for row in self.bands
                if not row.form.remove.data and row.form.name.data
                and row.form.floor.data is not None]

    def values(self):
        data = {name: self[name].data for name in CYCLE_FIELDS}
        data["notes"] = data["notes"] or None
        if self.posts_reminder_rules():
            data.update({name: self[name].data for name in REMINDER_FIELDS})
        return data


class CycleCreateForm(FlaskForm):
    year = IntInput(_l("Tahun"), minimum=2000, maximum=2100)
    name = StringField(_l("Nama siklus"), [Optional(), too_long(120)], filters=[strip],
                       description=_l("Kosongkan untuk memakai nama “IID” diikuti tahunnya, "
                                      "misalnya IID 2027."))
    source = RadioField(_l("Isi awal"), default="copy", validate_choice=False, choices=[
        SelectChoice("copy", _l("Salin katalog siklus lain (indikator, tingkat, bobot, predikat, "
                                "aturan)")),
        SelectChoice("file", _l("Unggah berkas katalog (YAML)")),
        SelectChoice("empty", _l("Kosong: isi semuanya sendiri")),
    ])
    copy_from = SelectField(_l("Salin dari siklus"), coerce=parse_id, validate_choice=False)
    file = FileField(_l("Berkas katalog (.yaml)"))
    submit = SubmitField(_l("Buat siklus"))

    def __init__(self, *args, cycles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.copy_from.choices = [SelectChoice(c.id, f"{c.name} ({c.year})") for c in cycles]
        if not cycles:
            self.source.choices = [c for c in self.source.choices if c.value != "copy"]
            if self.source.data == "copy":
                self.source.data = "file"

    def validate_source(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise StopValidation(_l("Pilih salah satu pilihan yang tersedia."))

    def validate_copy_from(self, field):
        if self.source.data == "copy" and field.data not in {c.value for c in field.choices}:
            raise StopValidation(_l("Pilih siklus yang akan disalin."))

    def validate_file(self, field):
        if self.source.data == "file" and not field.data:
            raise StopValidation(_l("Pilih berkas katalog YAML yang akan diunggah."))


class CatalogueImportForm(FlaskForm):
    file = FileField(_l("Berkas katalog (.yaml)"), [FileRequired(
        _l("Pilih berkas katalog YAML yang akan diunggah."))])
    submit = SubmitField(_l("Unggah dan perbarui katalog"))


class IndicatorForm(FlaskForm):
    code = StringField(_l("Kode"), [
        DataRequired(REQUIRED), too_long(16),
        Regexp(r"^[A-Za-z0-9._-]+$",
               message=_l("Kode hanya boleh berisi huruf, angka, titik, garis bawah, dan "
                          "tanda hubung, misalnya SID-16."))], filters=[strip])
    aspect = Choice(_l("Aspek"), choices=[
        SelectChoice("SPD", _l("SPD: satuan pemerintah daerah (diisi sekali oleh Bappeda)")),
        SelectChoice("SID", _l("SID: satuan inovasi daerah (diisi per inovasi)")),
    ])
    number = IntInput(_l("Nomor"), minimum=1, maximum=999)
    sub = StringField(_l("Sub (mis. a atau b)"), [Optional(), too_long(2)], filters=[strip])
    variable = StringField(_l("Variabel"), [Optional(), too_long(80)], filters=[strip])
    name = StringField(_l("Nama indikator"), [DataRequired(REQUIRED), too_long(255)],
                       filters=[strip])
    name_en = StringField(_l("Nama dalam bahasa Inggris"), [Optional(), too_long(255)],
                          filters=[strip])
    weight = DecimalInput(_l("Bobot"), description=_l("Poin = bobot x tingkat yang dipilih."))
    is_mandatory = BooleanField(_l("Wajib diisi"))
    accepts_link = BooleanField(_l("Data pendukung boleh berupa tautan (mis. video)"))
    evidence_hint = TextAreaField(
        _l("Petunjuk data pendukung"), [Optional(), too_long(5000)], filters=[strip],
        description=_l("Dibaca Operator SKPD: tulis sebagai perintah dalam bahasa Indonesia, "
                       "misalnya “Unggah SK Kepala Daerah yang ditandatangani (PDF).”"))
    evidence_source = TextAreaField(
        _l("Sumber dan catatan riset (hanya staf)"), [Optional(), too_long(5000)],
        filters=[strip], description=_l("Tidak ditampilkan kepada Operator SKPD."))
    evidence_confidence = StringField(
        _l("Tingkat keyakinan sumber (hanya staf)"), [Optional(), too_long(40)], filters=[strip],
        description=_l("Misalnya HIGH, MED, atau LOW, seperti di berkas riset."))
    position = IntInput(_l("Urutan tampil"), required=False, minimum=0, maximum=10000)
    labels = FieldList(StringField(_l("Label"), [too_long(255)], filters=[strip]),
                       max_entries=MAX_LEVELS + 1)
    remove_top = BooleanField(_l("Hapus tingkat tertinggi"))
    submit = SubmitField(_l("Simpan"))

    def validate_evidence_hint(self, field):
        problem = research_note_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_labels(self, field):
        texts = [entry.data or "" for entry in field.entries]
        while texts and not texts[-1]:
            texts.pop()
        if "" in texts:
            raise StopValidation(_l("Isi label setiap tingkat tanpa melompati tingkat."))
        if self.remove_top.data:
            texts = texts[:-1]
        if not texts:
            raise StopValidation(_l("Isi label paling sedikit satu tingkat."))
        if len(texts) > MAX_LEVELS:
            raise StopValidation(_l("Paling banyak %(n)s tingkat.", n=MAX_LEVELS))
        self.level_labels = texts

    @property
    def label_errors(self):
        """Errors about the list of levels as a whole (entries carry their own)."""
        return [e for e in self.labels.errors if not isinstance(e, (list, tuple, dict))]

    def values(self):
        data = {name: self[name].data for name in INDICATOR_FIELDS}
        for name in ("sub", "variable", "name_en", "evidence_hint", "evidence_source",
                     "evidence_confidence"):
            data[name] = data[name] or None
        return data
