"""File sniffing: an upload is judged by its content and size, never by its name or type."""
import hashlib
import re
import tempfile
import zipfile

from babel.lists import format_list
from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from PIL import Image

from clinic.uploads.kinds import (CHUNK, DEFAULT_ACCEPT, KINDS, MB, Checked, UploadRejected,
                                  display_name)

# Files above this wait on disk, so a 100 MB video does not sit in a worker's memory.
SPOOL_BYTES = 2 * MB
# WHATWG MIME sniffing looks at the first 1445 bytes; markup there could get the file rendered as a
# page (a PDF/HTML polyglot). Markup is sought a little further, for readers that sniff more.
SNIFF_BYTES = 4096
# A tag name followed by a byte that ends it (so "<imgdata" or a hex string "<a1b2>" is no tag).
MARKUP = re.compile(
    rb"<(?:html|head|body|script|style|svg|math|iframe|frame|frameset|img|object|embed|meta"
    rb"|link|base|form)[\s/>]|<a\s+href|<!doctype\s+html|<\?php", re.IGNORECASE)
MAX_MP4_BOXES = 10_000
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG"}
# The main part of each Office format and the type [Content_Types].xml must give it: the
# macro-enabled twins (.docm, .xlsm, .pptm) have the same part under another type and are refused.
OFFICE_PARTS = {
    "docx": ("word/document.xml",
             b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml",
             b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml",
             b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}
# ISO base media brands used for MP4 video; HEIC photos and QuickTime share the ftyp box.
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
              b"dash", b"mmp4", b"MSNV"}


def inspect_upload(file_storage, accept=DEFAULT_ACCEPT, max_bytes=None):
    """Read an upload, judge it by its content and return it as Checked, or raise UploadRejected."""
    unknown = set(accept) - set(KINDS)
    if not accept or unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    limits = {kind: max_bytes or current_app.config.get(KINDS[kind].limit_key,
                                                        KINDS[kind].default_limit)
              for kind in accept}
    body, size, sha256 = _read_bounded(file_storage.stream, max(limits.values()))
    try:
        body.seek(0)
        head = body.read(SNIFF_BYTES)
        if size == 0:
            raise UploadRejected(_l("Berkas ditolak: berkas kosong. %(advice)s",
                                    advice=_advice(accept, limits)))
        kind = _detect(head, body)
        if kind not in accept:
            raise UploadRejected(_l("Berkas ditolak: isi berkas bukan %(kinds)s. %(advice)s",
                                    kinds=_kinds_text(accept), advice=_advice(accept, limits)))
        if size > limits[kind]:
            raise _too_large(limits[kind])
        if MARKUP.search(head):
            raise UploadRejected(_l("Berkas ditolak: berkas berisi kode halaman web atau skrip. "
                                    "Simpan ulang sebagai %(kind)s biasa lalu unggah kembali.",
                                    kind=KINDS[kind].label))
        CHECKS[kind](body, size, kind)
    except BaseException:
        body.close()
        raise
    body.seek(0)
    spec = KINDS[kind]
    return Checked(kind=kind, content_type=spec.content_type, extension=spec.extension, size=size,
                   sha256=sha256, original_name=display_name(file_storage.filename, kind),
                   body=body)


def _read_bounded(stream, limit):
    # Never read more than limit + 1 bytes: enough to know the file is too large.
    body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    digest, size = hashlib.sha256(), 0
    try:
        while chunk := stream.read(min(CHUNK, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            digest.update(chunk)
            body.write(chunk)
    except BaseException:
        body.close()
        raise
    return body, size, digest.hexdigest()


def _detect(head, body):
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            body.seek(0)
            with zipfile.ZipFile(body) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        if "[Content_Types].xml" in names:
            return next((kind for kind, (part, _) in OFFICE_PARTS.items() if part in names), None)
        return None
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "mp4"
    return None


def _check_pdf(body, size, kind):
    body.seek(max(0, size - 1024))
    # The PDF spec puts %%EOF in the last 1024 bytes; without it the upload was cut short.
    if b"%%EOF" not in body.read():
        raise UploadRejected(_l("Berkas ditolak: PDF tidak lengkap atau rusak. Simpan ulang "
                                "dokumen sebagai PDF lalu unggah kembali."))


def _check_image(body, size, kind):
    max_pixels = current_app.config.get("EVIDENCE_MAX_PIXELS", 50_000_000)
    too_big = UploadRejected(_l("Berkas ditolak: resolusi gambar lebih dari %(limit)s juta piksel. "
                                "Perkecil gambar lalu unggah kembali.",
                                limit=format_decimal(max_pixels / 1e6, "#,##0.#")))
    body.seek(0)
    try:
        with Image.open(body, formats=[PIL_FORMATS[kind]]) as image:
            # Only the header has been read: refuse by declared size before any pixel is decoded.
            width, height = image.size
            if width * height > max_pixels:
                raise too_big
            image.verify()
            # Decoding a baseline JPEG at 1/8 scale finds truncated or garbled data at a 64th of
            # the memory; a progressive one keeps every full-size coefficient (150 MB at 49 Mpx),
            # so it is not decoded.
            decode = kind == "jpeg" and not image.info.get("progressive")
        if decode:
            body.seek(0)
            with Image.open(body, formats=["JPEG"]) as image:
                image.draft(None, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except UploadRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise too_big from exc
    except Exception as exc:  # Pillow signals malformed input with many exception types
        raise UploadRejected(_l("Berkas ditolak: gambar rusak atau tidak dapat dibaca. Simpan "
                                "ulang gambar sebagai JPG atau PNG lalu unggah kembali.")) from exc


def _check_office(body, size, kind):
    main_type = OFFICE_PARTS[kind][1]
    body.seek(0)
    try:
        with zipfile.ZipFile(body) as archive:
            names = archive.namelist()
            with archive.open("[Content_Types].xml") as types_file:
                types = types_file.read(MB)  # a bounded read: declared sizes in a ZIP can lie
    except Exception as exc:  # zipfile reports damage with several exception types
        raise _bad_office() from exc
    if main_type not in types or any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _bad_office()


def _check_mp4(body, size, kind):
    # Walk the top-level boxes: they must tile the file exactly and include the movie and its data.
    boxes, offset = set(), 0
    for _ in range(MAX_MP4_BOXES):
        if offset >= size:
            break
        body.seek(offset)
        header = body.read(16)
        box_size = int.from_bytes(header[:4], "big") if len(header) >= 8 else 0
        if box_size == 1 and len(header) == 16:
            box_size = int.from_bytes(header[8:], "big")
        elif box_size == 0 and len(header) >= 8:
            box_size = size - offset
        if box_size < 8 or offset + box_size > size:
            break
        boxes.add(header[4:8])
        offset += box_size
    if offset != size or not {b"moov", b"mdat"} <= boxes:
        raise UploadRejected(_l("Berkas ditolak: video MP4 rusak atau tidak lengkap. Simpan ulang "
                                "video lalu unggah kembali."))


CHECKS = {"pdf": _check_pdf, "png": _check_image, "jpeg": _check_image, "docx": _check_office,
          "xlsx": _check_office, "pptx": _check_office, "mp4": _check_mp4}


def _bad_office():
    return UploadRejected(_l("Berkas ditolak: dokumen Office rusak atau berisi makro. Simpan "
                             "sebagai dokumen biasa (.docx, .xlsx, .pptx) lalu unggah kembali."))


def _too_large(limit):
    return UploadRejected(_l("Berkas terlalu besar: maksimal %(limit)s MB. Perkecil berkas lalu "
                             "unggah kembali.", limit=_megabytes(limit)))


def _megabytes(limit):
    return format_decimal(limit / MB, format="#,##0.#")


def _kinds_text(accept):
    # In the order of KINDS, so the message reads the same whatever order the caller used.
    labels = [spec.label for kind, spec in KINDS.items() if kind in accept]
    return format_list(labels, style="or", locale=get_locale() or "id")


def _advice(accept, limits):
    if len(set(limits.values())) == 1:
        return str(_l("Unggah dokumen %(kinds)s maksimal %(limit)s MB.",
                      kinds=_kinds_text(accept), limit=_megabytes(max(limits.values()))))
    return str(_l("Unggah dokumen %(kinds)s.", kinds=_kinds_text(accept)))
