"""Event pages: the list, create and edit, the detail page, status steps and cancellation."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from clinic.access import roles_required
from clinic.bimtek import access, bp, queries, services
from clinic.bimtek.forms import CancelForm, EventForm, InviteForm
from clinic.bimtek.models import NEXT_STATUS
from clinic.bimtek.routes.labels import STATUS_LABELS
from clinic.web import actor, committing, paginate

STAFF = ("admin", "staff")


@bp.route("/", methods=["GET"])
@roles_required("admin", "staff", "trainer", "contact")
def index():
    user = actor()
    status = request.args.get("status", "")
    filters = {"q": request.args.get("q", "").strip()[:100],
               "status": status if status in STATUS_LABELS else ""}
    page = paginate(access.event_scope(queries.list_stmt(**filters), user))
    return render_template("bimtek/index.html", page=page, filters=filters, viewer=user)


def _save(form, event=None):
    days = form.day_values() if form.validate_on_submit() else None
    if days is None:
        return None
    with committing(form) as committed:
        if event is None:
            event = services.create_event(form.event_fields(), days, actor())
        else:
            services.update_event(event, form.event_fields(), days, actor())
    if not committed:
        return None
    for warning in services.agenda_warnings(event):  # clashes of moved days, warned after saving
        flash(str(warning), "warning")
    return event


@bp.route("/baru", methods=["GET", "POST"])
@roles_required(*STAFF)
def create():
    form = EventForm()
    event = _save(form)
    if event is not None:
        flash(_("Bimtek disimpan sebagai draf."), "success")
        return redirect(url_for("bimtek.detail", event_id=event.id))
    return render_template("bimtek/form.html", form=form, event=None)


@bp.route("/<int:event_id>/ubah", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(event_id):
    event = access.get_event_or_404(event_id, actor())
    form = EventForm(obj=event) if request.method == "GET" else EventForm()
    if request.method == "GET":
        for entry, day in zip(form.days, event.days):
            entry.form.day_on.data, entry.form.starts.data = day.day_on, day.starts
            entry.form.ends.data = day.ends
    if _save(form, event) is not None:
        flash(_("Perubahan disimpan."), "success")
        return redirect(url_for("bimtek.detail", event_id=event.id))
    return render_template("bimtek/form.html", form=form, event=event)


@bp.route("/<int:event_id>", methods=["GET"])
@roles_required("admin", "staff", "trainer", "contact")
def detail(event_id):
    user = actor()
    event = access.get_event_or_404(event_id, user)
    return render_template(
        "bimtek/detail.html", event=event, viewer=user, next_status=NEXT_STATUS.get(event.status),
        invitations=access.visible_invitations(event, user),
        participants=access.visible_participants(event, user),
        warnings=services.agenda_warnings(event) if user.role in STAFF else [],
        invite_form=InviteForm(), cancel_form=CancelForm(), is_staff=user.role in STAFF)


@bp.route("/<int:event_id>/status", methods=["POST"])
@roles_required(*STAFF)
def advance(event_id):
    event = access.get_event_or_404(event_id, actor())
    to_status = request.form.get("to", "")
    if to_status not in STATUS_LABELS:
        abort(400)
    with committing() as committed:
        services.advance(event, to_status, actor())
    if committed:
        flash(_("Status bimtek: %(status)s.", status=STATUS_LABELS[to_status]), "success")
    return redirect(url_for("bimtek.detail", event_id=event_id))


@bp.route("/<int:event_id>/batal", methods=["POST"])
@roles_required(*STAFF)
def cancel(event_id):
    event = access.get_event_or_404(event_id, actor())
    form = CancelForm()
    if not form.validate_on_submit():
        for message in form.reason.errors:
            flash(message, "danger")
        return redirect(url_for("bimtek.detail", event_id=event_id))
    with committing() as committed:
        services.cancel_event(event, form.reason.data, actor())
    if committed:
        flash(_("Bimtek dibatalkan; pemberitahuan masuk Kotak Keluar."), "success")
    return redirect(url_for("bimtek.detail", event_id=event_id))
