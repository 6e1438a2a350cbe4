"""Uploaded files and links: sniffing by content, storage under random names, link checks.

Used by every feature that takes files (evidence, profile documents, task attachments); it
imports only base modules. Import the package and use its names: ``uploads.inspect_upload``.
"""
from clinic.uploads.kinds import (
    ALLOWED_TYPES, DEFAULT_ACCEPT, INLINE_KINDS, KINDS, MB, Checked, Kind, UploadRejected,
)
from clinic.uploads.links import LINK_MAX, validate_link
from clinic.uploads.sniffing import inspect_upload
from clinic.uploads.staging import Staged
from clinic.uploads.storage import (
    can_show_inline, path_of, remove_stored, send_stored, store, stored_kind,
)

__all__ = [
    "ALLOWED_TYPES", "DEFAULT_ACCEPT", "INLINE_KINDS", "KINDS", "LINK_MAX", "MB", "Checked",
    "Kind", "Staged", "UploadRejected", "can_show_inline", "inspect_upload", "path_of",
    "remove_stored", "send_stored", "store", "stored_kind", "validate_link",
]
