"""Views of the admin blueprint: shared helpers here, the pages in one module per list."""
from flask_login import current_user

from clinic.admin import bp
from clinic.admin.forms import kind_label
from clinic.extensions import db


@bp.context_processor
def admin_helpers():
    return {"kind_label": kind_label}


def actor():
    """The signed-in user as a plain object, to hand to services."""
    return current_user._get_current_object()


def show_error(form, exc):
    """Put a refused change's message next to its field (or above the form) and undo the session."""
    db.session.rollback()
    # A lazy string counts as safe HTML in Jinja; str() lets the template escape what users typed.
    message = str(exc.message)
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


from clinic.admin import audit_routes, skpd_routes, user_routes  # noqa: E402,F401
