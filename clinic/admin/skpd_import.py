"""CSV import of work units: every row is checked first; one bad row means nothing is imported."""
import csv
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic import audit
from clinic.admin.models import SKPD_KINDS, Skpd
from clinic.extensions import db

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
REQUIRED_COLUMNS = ("code", "name")
KNOWN_COLUMNS = ("code", "short_name", "name", "kind", "head_name", "head_email", "parent_code")


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line number, message)
    columns: list = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self):
        return not self.errors


def _read(text):
    text = text.lstrip("\ufeff")
    sample = text.split("\n", 1)[0]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _check_row(line, row, seen, existing_codes, result):
    code = (row.get("code") or "").strip().upper()
    problems = []
    if not code:
        problems.append(_l("kode kosong"))
    elif not CODE_PATTERN.match(code):
        problems.append(_l("kode '%(code)s' hanya boleh huruf besar, angka dan tanda hubung (2-32 karakter)", code=code))
    elif code in seen:
        problems.append(_l("kode '%(code)s' sudah muncul di baris %(line)s", code=code, line=seen[code]))
    name = (row.get("name") or "").strip()
    if not name:
        problems.append(_l("nama kosong"))
    elif len(name) > 200:
        problems.append(_l("nama lebih dari 200 karakter"))
    short_name = (row.get("short_name") or "").strip() or code.title()
    if len(short_name) > 80:
        problems.append(_l("nama singkat lebih dari 80 karakter"))
    kind = (row.get("kind") or "dinas").strip().lower()
    if kind not in SKPD_KINDS:
        problems.append(_l("jenis '%(kind)s' tidak dikenal (pilihan: %(choices)s)", kind=kind, choices=", ".join(SKPD_KINDS)))
    head_email = (row.get("head_email") or "").strip()
    if head_email:
        try:
            head_email = validate_email(head_email, check_deliverability=False).normalized
        except EmailNotValidError:
            problems.append(_l("e-mail kepala '%(email)s' tidak valid", email=head_email))
    parent_code = (row.get("parent_code") or "").strip().upper()
    if parent_code and parent_code not in seen and parent_code not in existing_codes:
        problems.append(_l("induk '%(code)s' tidak ditemukan (harus ada di baris sebelumnya atau sudah terdaftar)", code=parent_code))
    if parent_code and parent_code == code:
        problems.append(_l("induk tidak boleh dirinya sendiri"))
    for problem in problems:
        result.errors.append((line, problem))
    if code and code not in seen:
        seen[code] = line
    result.rows.append({
        "code": code, "name": name, "short_name": short_name, "kind": kind,
        "head_name": (row.get("head_name") or "").strip()[:120] or None,
        "head_email": head_email or None, "parent_code": parent_code or None,
    })


def parse_skpd_csv(text):
    """Check every row of a CSV text; return an ImportResult with rows and (line, reason) errors."""
    result = ImportResult()
    try:
        reader = _read(text)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        result.errors.append((1, _l("berkas CSV tidak dapat dibaca: %(error)s", error=str(exc))))
        return result
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.errors.append((1, _l("kolom wajib tidak ada: %(columns)s", columns=", ".join(missing))))
        return result
    reader.fieldnames = header
    result.columns = header
    existing_codes = set(db.session.scalars(select(Skpd.code)).all())
    seen = {}
    try:
        for line, row in enumerate(reader, start=2):
            if not any((v or "").strip() for k, v in row.items() if k):
                continue
            _check_row(line, row, seen, existing_codes, result)
    except csv.Error as exc:
        result.errors.append((reader.line_num, _l("baris CSV rusak: %(error)s", error=str(exc))))
    if not result.rows and not result.errors:
        result.errors.append((1, _l("berkas tidak berisi satu baris data pun")))
    return result


def import_skpds(result, actor=None, ip=None):
    """Create or update (by code) the SKPDs of a checked ImportResult; the caller commits."""
    if not result.ok:
        raise ValueError("refusing to import rows with errors")
    by_code = {s.code: s for s in db.session.scalars(select(Skpd)).all()}
    for row in result.rows:
        skpd = by_code.get(row["code"])
        if skpd is None:
            skpd = Skpd(code=row["code"])
            db.session.add(skpd)
            by_code[row["code"]] = skpd
            result.created += 1
        else:
            result.updated += 1
        for key in ("name", "short_name", "kind", "head_name", "head_email"):
            setattr(skpd, key, row[key])
        if "parent_code" in result.columns:
            skpd.parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
    db.session.flush()
    audit.record("skpd_imported", actor=actor, object_type="skpds", ip=ip,
                 summary=f"{result.created} created, {result.updated} updated")
    return result
