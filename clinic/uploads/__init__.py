"""Uploaded files and links: sniffing by content, storage under random names, link checks.

Used by every feature that takes files (evidence, profile documents, task attachments); it
imports only base modules. Import the package and use its names: ``uploads.inspect_upload``.
"""
from clinic.uploads.kinds import (  # noqa: F401
    ALLOWED_TYPES, DEFAULT_ACCEPT, KINDS, MB, Checked, Kind, UploadRejected,
)
from clinic.uploads.links import LINK_MAX, validate_link  # noqa: F401
from clinic.uploads.sniffing import inspect_upload  # noqa: F401
from clinic.uploads.staging import Staged  # noqa: F401
from clinic.uploads.storage import path_of, remove_stored, send_stored, store  # noqa: F401
