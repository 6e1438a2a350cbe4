"""The kinds of file an upload may be, the refusal a user sees, and a checked upload."""
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from clinic.errors import DomainError

MB = 1024 * 1024
CHUNK = 64 * 1024  # reads and writes of file bodies
NAME_MAX = 255


@dataclass(frozen=True)
class Kind:
    """One allowed kind of file: the type it is served as, its stored extension, its size limit."""

    content_type: str
    extension: str
    label: str
    limit_key: str
    default_limit: int
    other_extensions: tuple = ()


# Also the order in which messages list the accepted kinds.
KINDS = {
    "pdf": Kind("application/pdf", ".pdf", "PDF", "EVIDENCE_MAX_BYTES", 10 * MB),
    "jpeg": Kind("image/jpeg", ".jpg", "JPG", "EVIDENCE_MAX_BYTES", 10 * MB, (".jpeg", ".jpe")),
    "png": Kind("image/png", ".png", "PNG", "EVIDENCE_MAX_BYTES", 10 * MB),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 ".docx", "DOCX", "EVIDENCE_MAX_BYTES", 10 * MB),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ".xlsx", "XLSX", "EVIDENCE_MAX_BYTES", 10 * MB),
    "pptx": Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                 ".pptx", "PPTX", "EVIDENCE_MAX_BYTES", 10 * MB),
    "mp4": Kind("video/mp4", ".mp4", "MP4", "EVIDENCE_VIDEO_MAX_BYTES", 100 * MB, (".m4v",)),
}
DEFAULT_ACCEPT = ("pdf", "png", "jpeg")
# Kinds a browser may show in the page (an <img> or the PDF viewer in an <iframe>); every other
# kind, and anything a browser would run (SVG, HTML), is only ever served as a download.
INLINE_KINDS = ("pdf", "jpeg", "png")
ALLOWED_TYPES = frozenset(kind.content_type for kind in KINDS.values())


class UploadRejected(DomainError):
    """An upload or link the user has to replace; `message` is shown to them as it is."""


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check; `body` holds its bytes until it is stored."""

    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str
    body: BinaryIO

    def close(self):
        self.body.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def display_name(raw, kind):
    """The client's file name as metadata only: safe to show, with an extension that fits."""
    # Last path segment, no control or bidi characters, an extension that matches the content,
    # at most NAME_MAX characters.
    name = "".join(ch for ch in unicodedata.normalize("NFC", raw or "")
                   if unicodedata.category(ch)[0] != "C")
    name = " ".join(re.split(r"[/\\]", name)[-1].split()).strip(". ")
    spec = KINDS[kind]
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in (spec.extension, *spec.other_extensions):
        stem, suffix = name, spec.extension
    stem = stem.strip(". ") or "berkas"
    return stem[:NAME_MAX - len(suffix)].rstrip(". ") + suffix
