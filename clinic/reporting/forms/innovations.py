"""Forms of the innovation pages: the profile, "submit again" and profile documents."""
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, StopValidation

from clinic.admin.models import Skpd
from clinic.dates import fmt_date
from clinic.extensions import db
from clinic.form_fields import (Choice, DateInput, MultiChoice, blank_to_none, int_or_none, strip,
                                too_long)
from clinic.reporting.models import DOCUMENT_KINDS, FORMS, INITIATORS, STAGES, ItemStatus
from clinic.web import fmt_rupiah

URUSAN_FILE = Path(__file__).resolve().parents[3] / "data" / "urusan.yaml"
BUDGET_MAX_DIGITS = 16

STAGE_LABELS = {"inisiatif": _l("Inisiatif"), "uji_coba": _l("Uji coba"),
                "penerapan": _l("Penerapan")}
INITIATOR_LABELS = {
    "kepala_daerah": _l("Kepala Daerah"), "anggota_dprd": _l("Anggota DPRD"),
    "perangkat_daerah": _l("Perangkat Daerah"), "asn": _l("ASN"), "masyarakat": _l("Masyarakat"),
}
FORM_LABELS = {
    "tata_kelola": _l("Tata kelola pemerintahan daerah"),
    "pelayanan_publik": _l("Pelayanan publik"),
    "lainnya": _l("Lainnya sesuai urusan"),
}
DOCUMENT_LABELS = {
    "anggaran": _l("Anggaran"), "profil_bisnis": _l("Profil bisnis"), "haki": _l("HAKI"),
    "penghargaan": _l("Penghargaan"), "lainnya": _l("Lainnya"),
}
STATUS_LABELS = {
    ItemStatus.EMPTY: _l("Belum diisi"), ItemStatus.DRAFT: _l("Draf"),
    ItemStatus.SUBMITTED: _l("Diajukan"), ItemStatus.VERIFIED: _l("Terverifikasi"),
    ItemStatus.RETURNED: _l("Perlu Perbaikan"),
}
URUSAN_GROUPS = {
    "wajib_pelayanan_dasar": _l("Wajib pelayanan dasar"),
    "wajib_non_pelayanan_dasar": _l("Wajib non-pelayanan dasar"),
    "pilihan": _l("Pilihan"),
    "penunjang": _l("Penunjang"),
}
COMPLETENESS = {"complete": _l("Semua butir ada data pendukung"),
                "incomplete": _l("Masih ada butir tanpa data pendukung"),
                "empty": _l("Belum ada data pendukung sama sekali")}
REQUIRED_NAME = _l("Nama inovasi wajib diisi.")


@lru_cache(maxsize=1)
def urusan_groups():
    """The 38 urusan by group, as in data/urusan.yaml: ((group key, (urusan, ...)), ...)."""
    data = yaml.safe_load(URUSAN_FILE.read_text(encoding="utf-8"))
    return tuple((key, tuple(names)) for key, names in data.items())


def all_urusan():
    return {name for _, names in urusan_groups() for name in names}


def _urusan_choices(kept=()):
    choices = [SelectChoice(name, optgroup=str(URUSAN_GROUPS.get(key, key)))
               for key, names in urusan_groups() for name in names]
    # An urusan saved before the list changed stays selectable, so editing never loses it.
    return choices + [SelectChoice(name, optgroup=str(_l("Tersimpan sebelumnya")))
                      for name in sorted(set(kept) - all_urusan())]


def _choices(labels, keys):
    return [SelectChoice(key, labels[key]) for key in keys]


def parse_rupiah(text):
    """A whole Rupiah amount as typed: '1.500.000', '1500000', 'Rp 1.500.000,00'."""
    text = re.sub(r"(?i)^\s*rp\.?", "", text or "").strip().replace(" ", "")
    if not text:
        return None
    text = re.sub(r",0{1,2}$", "", text)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not text.isdigit() or len(text.lstrip("0")) > BUDGET_MAX_DIGITS:
        raise ValueError
    return int(text)


class RupiahField(StringField):
    """A whole number of Rupiah; keeps exactly what the user typed when it is refused."""

    def process_formdata(self, valuelist):
        self.data = None
        try:
            self.data = parse_rupiah(valuelist[0] if valuelist else "")
        except ValueError as exc:
            raise ValueError(
                _l("Isi anggaran dalam Rupiah tanpa sen, misalnya 1.500.000.")) from exc

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{int(self.data):,}".replace(",", ".")


class InnovationForm(FlaskForm):
    """The profile of an innovation. Only name, the dates and their order are hard checks."""

    skpd_id = Choice(_l("Perangkat Daerah"), coerce=int_or_none)
    name = StringField(_l("Nama inovasi"), [DataRequired(REQUIRED_NAME), too_long(255)],
                       filters=[strip])
    stage = Choice(_l("Tahapan"), choices=_choices(STAGE_LABELS, STAGES),
                   default="penerapan")
    initiator_kind = Choice(_l("Inisiator"), choices=_choices(INITIATOR_LABELS, INITIATORS),
                            default="perangkat_daerah")
    initiator_name = StringField(_l("Nama inisiator"), [Optional(), too_long(120)],
                                 filters=[blank_to_none])
    jenis = Choice(_l("Jenis"), choices=[SelectChoice("non_digital", _l("Non digital")),
                                         SelectChoice("digital", _l("Digital"))],
                   default="non_digital")
    bentuk = Choice(_l("Bentuk"), choices=_choices(FORM_LABELS, FORMS),
                    default="pelayanan_publik")
    main_urusan = Choice(_l("Urusan utama"),
                         description=_l("Urusan pemerintahan yang paling sesuai."))
    related_urusan = MultiChoice(
        _l("Urusan terkait"),
        description=_l("Boleh lebih dari satu (tahan Ctrl atau Cmd untuk memilih beberapa)."))
    trial_on = DateInput(_l("Waktu uji coba"))
    implemented_on = DateInput(_l("Waktu penerapan"))
    developed_on = DateInput(_l("Waktu pengembangan terakhir"))
    development_note = TextAreaField(_l("Catatan pengembangan"), [Optional(), too_long(5000)],
                                     filters=[blank_to_none])
    design_text = TextAreaField(
        _l("Rancang bangun"), [Optional(), too_long(50000)], filters=[blank_to_none],
        render_kw={"rows": 10})
    goals = TextAreaField(_l("Tujuan"), [Optional(), too_long(10000)], filters=[blank_to_none])
    benefits = TextAreaField(_l("Manfaat"), [Optional(), too_long(10000)],
                             filters=[blank_to_none])
    results = TextAreaField(_l("Hasil"), [Optional(), too_long(10000)], filters=[blank_to_none])
    budget_amount = RupiahField(_l("Anggaran (Rp)"),
                                description=_l("Bilangan bulat, misalnya 1.500.000."))
    version_id = HiddenField()
    submit = SubmitField(_l("Simpan"))

    def __init__(self, *args, choose_skpd=False, design_min_words=300, saved_urusan=(), **kwargs):
        super().__init__(*args, **kwargs)
        if choose_skpd:
            skpds = db.session.scalars(select(Skpd).where(Skpd.is_active.is_(True))
                                       .order_by(Skpd.code)).all()
            self.skpd_id.choices = [SelectChoice("", _l("Pilih Perangkat Daerah"))] + [
                SelectChoice(s.id, f"{s.code} · {s.short_name}") for s in skpds]
        else:
            # Contacts always act for their own SKPD: a posted skpd_id is never read.
            del self.skpd_id
        urusan = _urusan_choices(saved_urusan)
        self.main_urusan.choices = [SelectChoice("", _l("Pilih urusan"))] + urusan
        self.related_urusan.choices = urusan
        self.design_text.description = _l(
            "Minimal %(n)s kata: latar belakang, penjaringan ide, cara kerja dan dampak.",
            n=design_min_words)

    def validate_skpd_id(self, field):
        if field.data in ("", None):
            raise StopValidation(_l("Pilih Perangkat Daerah pemilik inovasi."))

    def validate_implemented_on(self, field):
        trial = self.trial_on.data
        if field.data and isinstance(trial, date) and trial > field.data:
            raise StopValidation(_l("Waktu penerapan tidak boleh sebelum waktu uji coba."))

    def load(self, innovation):
        """Fill an unposted form from a saved innovation."""
        for key in ("name", "stage", "initiator_kind", "initiator_name", "trial_on",
                    "implemented_on", "developed_on", "development_note", "design_text", "goals",
                    "benefits", "results", "budget_amount"):
            getattr(self, key).data = getattr(innovation, key)
        self.main_urusan.data = innovation.main_urusan or ""
        self.related_urusan.data = list(innovation.related_urusan or [])
        self.jenis.data = "digital" if innovation.is_digital else "non_digital"
        self.bentuk.data = innovation.form
        self.version_id.data = innovation.version_id

    def values(self):
        """The profile fields for the services (never the SKPD, cycle or author)."""
        main = self.main_urusan.data or None
        related = [u for u in dict.fromkeys(self.related_urusan.data or []) if u != main]
        return {
            "name": self.name.data, "stage": self.stage.data,
            "initiator_kind": self.initiator_kind.data, "initiator_name": self.initiator_name.data,
            "is_digital": self.jenis.data == "digital", "form": self.bentuk.data,
            "main_urusan": main,
            "related_urusan": related,
            "trial_on": self.trial_on.data, "implemented_on": self.implemented_on.data,
            "developed_on": self.developed_on.data,
            "development_note": self.development_note.data, "design_text": self.design_text.data,
            "goals": self.goals.data, "benefits": self.benefits.data, "results": self.results.data,
            "budget_amount": self.budget_amount.data,
        }

    def expected_version(self):
        # Tampered or garbled (-1): treat it as someone else's change.
        return int_or_none(str(self.version_id.data or "").strip())

    def differences(self, innovation):
        """(label, saved value) of every field where the saved innovation differs from the form."""
        fields = {"form": self.bentuk, "is_digital": self.jenis}
        rows = []
        for key, value in self.values().items():
            saved = getattr(innovation, key)
            if key == "budget_amount" and saved is not None:
                saved = int(saved)
            if key == "related_urusan":
                saved = list(saved or [])
            if (saved or None) != (value or None):
                field = fields.get(key) or getattr(self, key)
                rows.append((field.label.text, display_value(key, saved)))
        return rows


def display_value(key, value):
    """A saved profile value as a short text for the page."""
    if value in (None, "", []):
        return "-"
    labels = {"stage": STAGE_LABELS, "initiator_kind": INITIATOR_LABELS, "form": FORM_LABELS}
    if key in labels:
        return str(labels[key].get(value, value))
    if key == "is_digital":
        return str(_l("Digital") if value else _l("Non digital"))
    if isinstance(value, date):
        return fmt_date(value)
    if key == "budget_amount":
        return fmt_rupiah(value)
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


class ResubmitForm(FlaskForm):
    development_note = TextAreaField(
        _l("Catatan pengembangan"),
        [DataRequired(_l("Jelaskan pengembangan inovasi sejak siklus sebelumnya.")),
         too_long(5000)], filters=[strip],
        description=_l("Apa yang berubah atau dikembangkan sejak inovasi ini dilaporkan?"),
        render_kw={"rows": 6})
    submit = SubmitField(_l("Ajukan ulang"))


class DocumentForm(FlaskForm):
    kind = Choice(_l("Jenis dokumen"), choices=_choices(DOCUMENT_LABELS, DOCUMENT_KINDS))
    file = FileField(_l("Berkas"), [FileRequired(_l("Pilih berkas yang akan diunggah."))],
                     description=_l("PDF, JPG, PNG, DOCX atau XLSX."))
    submit = SubmitField(_l("Unggah"))
