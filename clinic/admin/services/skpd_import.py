"""CSV import of work units: every row is checked first; one bad row means nothing is imported."""
import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic import audit
from clinic.admin.models import SKPD_KINDS, Skpd
from clinic.extensions import db
from clinic.form_fields import email_problem, normal_email
from clinic.quoting import clip, clip_list

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
ERRORS_SHOWN = 100  # on the page; a file of many bad lines would otherwise give a huge page
REQUIRED_COLUMNS = ("code", "name")
KNOWN_COLUMNS = ("code", "short_name", "name", "kind", "head_name", "head_email", "parent_code")
EXAMPLE_CSV = (
    "code,short_name,name,kind,head_name,head_email,parent_code\n"
    "DINKES,Dinkes,Dinas Kesehatan,dinas,dr. Siti Rahmah,kadinkes@example.go.id,\n"
    "PKM-TELUKDALAM,Puskesmas Teluk Dalam,Puskesmas Teluk Dalam,puskesmas,,,DINKES\n"
)


class ImportFileError(ValueError):
    """The uploaded bytes are not a readable CSV text; the message is shown to the user."""


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

    @property
    def bad_lines(self):
        return len({line for line, _ in self.errors})

    @property
    def shown_errors(self):
        return self.errors[:ERRORS_SHOWN]

    @property
    def hidden_errors(self):
        return max(len(self.errors) - ERRORS_SHOWN, 0)

    @property
    def ignored_columns(self):
        return [c for c in self.columns if c and c not in KNOWN_COLUMNS]


def decode_csv_bytes(data):
    """Return the text of an uploaded CSV (UTF-8, with or without BOM) or raise ImportFileError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_l("Berkas tersimpan dalam UTF-16. Simpan ulang sebagai "
                                 "\"CSV UTF-8\" lalu unggah kembali."))
    if b"\x00" in data:
        raise ImportFileError(_l("Berkas ini bukan berkas CSV (berisi data biner, misalnya berkas "
                                 "Excel .xlsx). Simpan tabel sebagai \"CSV UTF-8\" lalu unggah kembali."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportFileError(_l("Berkas bukan teks UTF-8 (karakter tidak terbaca di baris %(line)s). "
                                 "Simpan tabel sebagai \"CSV UTF-8\" lalu unggah kembali.",
                                 line=line)) from exc
    if not text.strip():
        raise ImportFileError(_l("Berkas kosong."))
    return text


def _read(text):
    text = text.lstrip("\ufeff")
    sample = text.split("\n", 1)[0]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _cell(row, key):
    return (row.get(key) or "").strip()


def _check_row(line, row, seen, existing_codes, result):
    code = _cell(row, "code").upper()
    problems = []
    if not code:
        problems.append(_l("kode kosong"))
    elif not CODE_PATTERN.match(code):
        problems.append(_l("kode '%(code)s' hanya boleh huruf besar, angka dan tanda hubung "
                           "(2-32 karakter)", code=clip(code)))
    elif code in seen:
        problems.append(_l("kode '%(code)s' sudah muncul di baris %(line)s", code=code, line=seen[code]))
    name = _cell(row, "name")
    if not name:
        problems.append(_l("nama kosong"))
    elif len(name) > 200:
        problems.append(_l("nama lebih dari 200 karakter"))
    short_name = _cell(row, "short_name")
    if len(short_name) > 80:
        problems.append(_l("nama singkat lebih dari 80 karakter"))
    kind = _cell(row, "kind").lower()
    if kind and kind not in SKPD_KINDS:
        problems.append(_l("jenis '%(kind)s' tidak dikenal (pilihan: %(choices)s)",
                           kind=clip(kind), choices=", ".join(SKPD_KINDS)))
    head_name = _cell(row, "head_name")
    if len(head_name) > 120:
        problems.append(_l("nama kepala lebih dari 120 karakter"))
    head_email = _cell(row, "head_email")
    if head_email:
        # The rule of the SKPD form (clinic.form_fields.email_problem), said for this cell.
        problem = email_problem(normal_email(head_email))
        if problem:
            problems.append(_l("e-mail kepala '%(email)s': %(problem)s", email=clip(head_email),
                               problem=problem))
        head_email = normal_email(head_email)
    parent_code = _cell(row, "parent_code").upper()
    if parent_code and parent_code == code:
        problems.append(_l("induk tidak boleh dirinya sendiri"))
    elif parent_code and parent_code not in seen and parent_code not in existing_codes:
        problems.append(_l("induk '%(code)s' tidak ditemukan (harus ada di baris sebelumnya atau "
                           "sudah terdaftar)", code=clip(parent_code)))
    for problem in problems:
        result.errors.append((line, problem))
    if code and code not in seen:
        seen[code] = line
    # Empty optional cells are None: import_skpds keeps or defaults them per field.
    result.rows.append({
        "line": line, "code": code, "name": name, "short_name": short_name or None,
        "kind": kind or None, "head_name": head_name or None,
        "head_email": head_email or None, "parent_code": parent_code or None,
    })


def _check_cycles(result, existing_parents):
    # A file may re-parent registered units, so check the tree as it would be after the import.
    parents = dict(existing_parents)
    for row in result.rows:
        parents[row["code"]] = row["parent_code"]
    for row in result.rows:
        code, steps = row["parent_code"], 0
        while code and steps <= len(parents):
            if code == row["code"]:
                result.errors.append((row["line"], _l(
                    "induk '%(code)s' membuat lingkaran: Perangkat Daerah ini menjadi induk dari "
                    "induknya sendiri", code=clip(row["parent_code"]))))
                break
            code, steps = parents.get(code), steps + 1


def _start_line(reader, row):
    # line_num is the last physical line read; quoted cells may span several lines.
    inner = sum((v or "").count("\n") for k, v in row.items() if k and isinstance(v, str))
    return reader.line_num - inner


def parse_skpd_csv(text):
    """Check every row of a CSV text; return an ImportResult with rows and (line, reason) errors."""
    result = ImportResult()
    try:
        reader = _read(text)
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        result.errors.append((1, _l("berkas CSV tidak dapat dibaca: %(error)s", error=clip(exc))))
        return result
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.errors.append((1, _l("kolom wajib tidak ada: %(columns)s (kolom yang ada: %(found)s)",
                                    columns=", ".join(missing),
                                    found=clip_list(h for h in header if h) or "-")))
        return result
    reader.fieldnames = header
    result.columns = header
    existing = db.session.execute(select(Skpd.id, Skpd.code, Skpd.parent_id)).all()
    code_by_id = {r.id: r.code for r in existing}
    existing_codes = set(code_by_id.values())
    seen = {}
    try:
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if k and isinstance(v, str)):
                continue
            _check_row(_start_line(reader, row), row, seen, existing_codes, result)
    except csv.Error as exc:
        result.errors.append((reader.line_num, _l("baris CSV rusak: %(error)s", error=clip(exc))))
    if "parent_code" in header:
        _check_cycles(result, {r.code: code_by_id.get(r.parent_id) for r in existing})
    if not result.rows and not result.errors:
        result.errors.append((1, _l("berkas tidak berisi satu baris data pun")))
    result.errors.sort(key=lambda error: error[0])
    return result


def import_skpds(result, actor=None, ip=None):
    """Create or update (by code) the SKPDs of a checked ImportResult; the caller commits.

    A column missing from the file leaves that field of registered units unchanged, and an
    empty short name or kind keeps the registered value (new units get a default).
    """
    if not result.ok:
        raise ValueError("refusing to import rows with errors")
    by_code = {s.code: s for s in db.session.scalars(select(Skpd)).all()}
    created, updated = [], []
    for row in result.rows:
        skpd = by_code.get(row["code"])
        if skpd is None:
            skpd = Skpd(code=row["code"], short_name=row["code"].title(), kind="dinas")
            db.session.add(skpd)
            by_code[row["code"]] = skpd
            created.append(row["code"])
        else:
            updated.append(row["code"])
        skpd.name = row["name"]
        for key in ("short_name", "kind"):
            if row[key]:
                setattr(skpd, key, row[key])
        for key in ("head_name", "head_email"):
            if key in result.columns:
                setattr(skpd, key, row[key])
        if "parent_code" in result.columns:
            skpd.parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
    db.session.flush()
    result.created, result.updated = len(created), len(updated)
    audit.record("skpd_imported", actor=actor, object_type="skpds", ip=ip,
                 summary=f"{result.created} created, {result.updated} updated",
                 changes={"created": created, "updated": updated})
    return result


def size_label(n_bytes):
    """'2 MB' or '500 KB': the upload limit as people read it."""
    if n_bytes >= 1048576 and n_bytes % 1048576 == 0:
        return f"{n_bytes // 1048576} MB"
    return f"{max(1, n_bytes // 1024)} KB"


def read_csv_upload(stream, max_bytes):
    """Read an uploaded CSV of at most ``max_bytes`` and return its text, or raise ImportFileError."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportFileError(_l("Berkas terlalu besar: maksimal %(size)s. Pecah berkas menjadi "
                                 "beberapa bagian lalu unggah satu per satu.", size=size_label(max_bytes)))
    return decode_csv_bytes(data)
