"""The audit log page: who did what, newest first, with filters."""
from flask import render_template, request
from flask_babel import get_timezone

from clinic.access import roles_required
from clinic.admin import bp, queries
from clinic.admin.forms import AuditFilterForm
from clinic.auth.models import Role
from clinic.web import paginate

FILTERS = ("action", "actor", "object_type", "date_from", "date_to")


@bp.route("/audit/")
@roles_required(*Role.BAPPEDA)
def audit_log():
    actions, object_types = queries.audit_choices()
    form = AuditFilterForm(request.args, actions=actions, object_types=object_types)
    form.validate()
    # A filter the viewer typed wrongly is shown with its message and left out of the query.
    values = {name: (None if form[name].errors else form[name].data) for name in FILTERS}
    page = paginate(queries.audit_rows(tz=get_timezone(), **{k: v or None for k, v in values.items()}))
    args = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    return render_template("admin/audit_log.html", form=form, page=page, args=args)
