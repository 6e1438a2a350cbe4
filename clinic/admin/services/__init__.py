"""Rules for work units and accounts, shared by the admin pages and the CLI (add, flush, no commit).

The rooms: ``refusals`` (AdminError, NotAllowed), ``agency`` (letterhead and signer),
``skpds``, ``users`` and ``skpd_import`` (the CSV import of work units, imported from its
module); the public names of the others are here.
"""
from clinic.admin.services.agency import AGENCY_FIELDS, save_agency_settings
from clinic.admin.services.refusals import AdminError, NotAllowed
from clinic.admin.services.skpds import (
    SKPD_FIELDS, create_skpd, deactivate_skpd, descendant_ids, reactivate_skpd, update_skpd,
)
from clinic.admin.services.users import (
    LOCALES, USER_FIELDS, can_manage, create_user, deactivate_user, grantable_roles, invite_user,
    reactivate_user, update_user,
)

__all__ = [
    "AGENCY_FIELDS", "LOCALES", "SKPD_FIELDS", "USER_FIELDS", "AdminError", "NotAllowed",
    "can_manage", "create_skpd", "create_user", "deactivate_skpd", "deactivate_user",
    "descendant_ids", "grantable_roles", "invite_user", "reactivate_skpd", "reactivate_user",
    "save_agency_settings", "update_skpd", "update_user",
]
