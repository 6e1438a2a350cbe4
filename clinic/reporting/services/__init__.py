"""Rules of innovations and reporting items: creation, the status flow, history and conflicts.

Plain functions with explicit arguments; they add and flush, the caller commits. The rooms:
``refusals`` (ReportingError, ConflictError), ``innovations`` and ``items``; their public names
are here. Reads of the pages are in clinic.reporting.queries.
"""
from clinic.reporting.services.innovations import (
    PROFILE_FIELDS, add_document, create_innovation, ensure_items, ensure_spd_items,
    new_innovation_effect, remove_document, resubmit_innovation, submit_again, update_innovation,
)
from clinic.reporting.services.items import (
    EVIDENCE_KINDS, VIDEO_KINDS, accept_kinds, add_file, add_link, assign_spd_item,
    attach_evidence, attach_files, remove_evidence, return_item, save_item, submit_item,
    verify_item,
)
from clinic.reporting.services.refusals import CONFLICT, ConflictError, ReportingError, as_refusal

__all__ = [
    "CONFLICT", "EVIDENCE_KINDS", "PROFILE_FIELDS", "VIDEO_KINDS", "ConflictError",
    "ReportingError", "accept_kinds", "add_document", "add_file", "add_link", "as_refusal",
    "assign_spd_item", "attach_evidence", "attach_files", "create_innovation", "ensure_items",
    "ensure_spd_items", "new_innovation_effect", "remove_document", "remove_evidence", "resubmit_innovation",
    "return_item", "save_item", "submit_again", "submit_item", "update_innovation", "verify_item",
]
