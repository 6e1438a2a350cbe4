"""Views of the admin blueprint shared by its pages (one module per list)."""
from clinic.admin import bp
from clinic.admin.forms import kind_label


@bp.context_processor
def admin_helpers():
    return {"kind_label": kind_label}
