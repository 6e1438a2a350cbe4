"""The agency's letterhead and signer: one row, made on the first save (add, flush, no commit)."""
import re

from flask_babel import lazy_gettext as _l

from clinic import audit
from clinic.admin.services.refusals import AdminError
from clinic.extensions import db

AGENCY_FIELDS = ("government", "agency", "address", "contact", "place", "signer_name",
                 "signer_position", "signer_rank", "signer_nip")
REQUIRED_FIELDS = ("government", "agency", "place")
# A civil servant's NIP: 18 digits (birth date, appointment month, sex, number).
NIP_PATTERN = re.compile(r"^[0-9]{18}$")
NIP_MESSAGE = _l("NIP harus 18 digit angka, misalnya 197001011995031001.")


def save_agency_settings(settings, values, actor, ip=None):
    """Save the letterhead and signer in ``settings`` (the saved row, or the unsaved defaults
    of ``agency_settings()``); return the changes."""
    values = {name: (values.get(name) or "").strip() or None for name in AGENCY_FIELDS}
    for name in REQUIRED_FIELDS:
        if values[name] is None:
            raise AdminError(_l("Wajib diisi."), name)
    if values["signer_nip"] and not NIP_PATTERN.match(values["signer_nip"]):
        raise AdminError(NIP_MESSAGE, "signer_nip")
    is_new = settings.id is None
    changes = audit.apply_changes(settings, values)
    if not changes and not is_new:
        return changes
    settings.updated_by_id = getattr(actor, "id", None)
    if is_new:
        db.session.add(settings)
    db.session.flush()
    audit.record("agency_settings_updated", actor=actor, obj=settings, summary=settings.agency,
                 changes=changes, ip=ip)
    return changes
