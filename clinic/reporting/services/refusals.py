"""Refusals of reporting: a change the rules refuse, or one someone else saved first."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from clinic import errors

CONFLICT = _l("Data ini telah diubah oleh pengguna lain sejak Anda membukanya. Perubahan Anda "
              "belum disimpan: periksa versi terbaru di bawah, lalu simpan kembali.")


class ReportingError(errors.DomainError):
    """A refused change; the message is shown to the user."""


class ConflictError(ReportingError, errors.ConflictError):
    """Someone else saved the same object since the user opened it."""


def as_refusal(exc, stale_message=CONFLICT):
    """``exc`` as a DomainError: a save that lost the race at commit (StaleDataError, the same
    conflict noticed by the database) becomes a ConflictError saying ``stale_message``."""
    return ConflictError(stale_message) if isinstance(exc, StaleDataError) else exc
