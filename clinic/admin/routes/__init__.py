"""Views of the admin blueprint, one module per list; importing them registers them."""
from clinic.admin.routes import agency, audit, skpds, users  # noqa: F401
