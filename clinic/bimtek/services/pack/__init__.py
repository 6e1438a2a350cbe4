"""The accountability pack (berkas SPJ) of an event: one ZIP with every part an office needs
for its budget report, written to a temporary file so a large photo set never sits in memory.

01 invitation letter, 02 agenda, 03 each day's daftar hadir, 04 participants and attendance
(XLSX), 05 findings, 06 photos, 07 issued certificates, and daftar-isi.txt with the sha256 of
every file. The letter, daftar hadir and certificate PDFs come from their own modules.
"""
import contextlib
import hashlib
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from sqlalchemy import select

from clinic import uploads
from clinic.bimtek.models import Certificate, EventInvitation, EventPhoto, Participant
from clinic.bimtek.services.attendance_pdf import daftar_hadir_pdf
from clinic.bimtek.services.certificates import certificate_pdf
from clinic.bimtek.services.letter import invitation_letter_pdf
from clinic.bimtek.services.pack.documents import agenda_pdf, findings_pdf
from clinic.bimtek.services.pack.workbook import write_workbook
from clinic.db_types import utcnow
from clinic.extensions import db

CHUNK = 64 * 1024


def slug(text, limit=60):
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "berkas"


class _Pack:
    """The ZIP being written and its manifest lines (name, size, sha256)."""

    def __init__(self, target):
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
        self.entries, self.notes = [], []

    def add_bytes(self, name, data):
        self.zip.writestr(name, data)
        self.entries.append((name, len(data), hashlib.sha256(data).hexdigest()))

    def add_file(self, name, path, compress=True):
        """Copy a file in by chunks; photos are stored as they are (JPEG and PNG are already
        compressed: deflating them again costs time and saves nothing)."""
        digest, size = hashlib.sha256(), 0
        info = zipfile.ZipInfo.from_file(path, name)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with open(path, "rb") as source, self.zip.open(info, "w", force_zip64=True) as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        self.entries.append((name, size, digest.hexdigest()))

    def note(self, text):
        self.notes.append(text)


def _letter(pack, event):
    pack.add_bytes("01-surat-undangan.pdf", invitation_letter_pdf(event))


def _attendance(pack, event):
    for n, day in enumerate(event.days, 1):
        pack.add_bytes(f"03-daftar-hadir-hari-{n}-{day.day_on.isoformat()}.pdf",
                       daftar_hadir_pdf(day))


def _workbook(pack, event):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "peserta.xlsx"
        write_workbook(event, path)
        pack.add_file("04-peserta-dan-kehadiran.xlsx", path)


def _photos(pack, event, folder):
    photos = db.session.scalars(select(EventPhoto).where(EventPhoto.event_id == event.id)
                                .order_by(EventPhoto.id)).all()
    for n, photo in enumerate(photos, 1):
        try:
            path = uploads.path_of(photo.stored_name, folder)
        except ValueError:
            path = None
        if path is None or not path.is_file():
            pack.note(f"06 Foto {n}: berkas tidak ditemukan di penyimpanan.")
            continue
        name = slug(photo.caption or Path(photo.original_name or "").stem)
        pack.add_file(f"06-foto/{n:03d}-{name}{path.suffix}", path, compress=False)


def issued_certificates(event):
    """The event's certificates still valid (a replaced one gave way to its new code)."""
    stmt = (select(Certificate).join(Participant, Participant.id == Certificate.participant_id)
            .join(EventInvitation).where(EventInvitation.event_id == event.id,
                                         Certificate.replaced_at.is_(None))
            .order_by(Certificate.name, Certificate.id))
    return db.session.scalars(stmt).all()


def _certificates(pack, event):
    for n, certificate in enumerate(issued_certificates(event), 1):
        pack.add_bytes(f"07-sertifikat/{n:03d}-{slug(certificate.name)}.pdf",
                       certificate_pdf(certificate))


def _manifest(pack, event, now):
    lines = ["DAFTAR ISI BERKAS SPJ", event.title, f"Dibuat: {now:%Y-%m-%d %H:%M} UTC", "",
             "sha256  ukuran (byte)  berkas"]
    lines += [f"{digest}  {size}  {name}" for name, size, digest in pack.entries]
    if pack.notes:
        lines += ["", "Catatan:", *pack.notes]
    return "\n".join(lines) + "\n"


def build_pack(event, folder, now=None):
    """Write ``event``'s pack to a temporary file; return it open at its start (it is gone
    once closed). ``folder`` is where the uploads are stored."""
    target, pack = tempfile.TemporaryFile(), None
    try:
        pack = _Pack(target)
        _letter(pack, event)
        pack.add_bytes("02-susunan-acara.pdf", agenda_pdf(event))
        _attendance(pack, event)
        _workbook(pack, event)
        pack.add_bytes("05-notulen-dan-temuan.pdf", findings_pdf(event))
        _photos(pack, event, folder)
        _certificates(pack, event)
        pack.zip.writestr("daftar-isi.txt", _manifest(pack, event, now or utcnow()))
        pack.zip.close()
    except BaseException:
        if pack is not None:
            with contextlib.suppress(Exception):
                pack.zip.close()  # before its file goes, or its finaliser fails later
        target.close()
        raise
    target.seek(0)
    return target
