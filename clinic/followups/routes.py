"""Follow-up pages: list, create (by hand or from a finding), detail with history, status."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clinic import uploads
from clinic.access import get_scoped_or_404, roles_required
from clinic.auth.models import Role, User
from clinic.dates import today_local
from clinic.extensions import db
from clinic.followups import access, bp, labels, queries, services
from clinic.followups.forms import CloseForm, ReasonForm, StatusForm, TaskForm
from clinic.followups.models import FollowUpTask, TaskEvent
from clinic.followups.sources import session_rules
from clinic.ids import bounded_int
from clinic.reporting.models import ReportItem
from clinic.web import actor, committing, paginate, refuse

ATTACHMENT_KINDS = ("pdf", "jpeg", "png")


def load_task(task_id, need=None):
    """Load a task in scope (404 otherwise) that the user may work on, manage or close.

    A contact who sees the task but may not do this gets 403; a trainer of another session 404.
    """
    task, user = get_scoped_or_404(FollowUpTask, task_id, actor()), actor()
    allowed = {None: True, "work": access.is_worker(task, user),
               "manage": access.can_manage(task, user),
               "bappeda": user.role in Role.BAPPEDA}[need]
    if not allowed:
        if user.role == Role.CONTACT or access.can_manage(task, user):
            abort(403)
        abort(404)
    return task


@bp.app_context_processor
def followup_helpers():
    # Task panels appear on other features' pages (the session detail, the contact's home).
    return {"followup_status_label": lambda status: labels.STATUS_LABELS.get(status, status),
            "followup_status_class": lambda status: labels.STATUS_CLASSES.get(status, ""),
            "followup_today": today_local}


@bp.route("/")
@login_required
def index():
    user, today = actor(), today_local()
    filters = queries.Filters.from_args(request.args, user)
    page = paginate(queries.task_list(user, filters, today).options(
        selectinload(FollowUpTask.owner), selectinload(FollowUpTask.skpd)))
    return render_template(
        "followups/index.html", page=page, filters=filters, today=today,
        counts=queries.status_counts(user, filters, today), skpds=queries.skpd_choices(user),
        can_create=user.role in Role.BAPPEDA or user.role == Role.TRAINER, labels=labels)


def _prefill():
    """SKPD, session and item chosen by ?skpd_id=, ?session_id= or ?item_id= (each checked)."""
    data = {}
    if (item_id := request.args.get("item_id", type=bounded_int)) is not None:
        item = get_scoped_or_404(ReportItem, item_id, actor())
        data.update(skpd_id=item.skpd_id, item_id=item.id)
    if (session_id := request.args.get("session_id", type=bounded_int)) is not None:
        session = session_rules().get_editable_or_404(session_id, actor())
        data.setdefault("skpd_id", session.skpds[0].id if session.skpds else None)
        data["session_id"] = session.id
    if (skpd_id := request.args.get("skpd_id", type=bounded_int)) is not None:
        data.setdefault("skpd_id", skpd_id)
    return data


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.STAFF, Role.TRAINER)
def create():
    user, data = actor(), _prefill()
    skpds = queries.skpd_choices(user)
    form = TaskForm(user=user, skpds=skpds, skpd_id=data.get("skpd_id"), data=data)
    if form.validate_on_submit():
        skpd = next(s for s in skpds if s.id == form.skpd_id.data)
        with committing() as committed:
            task = services.create_task(
                skpd, user, title=form.title.data, owner=_get(form.owner_id.data, User),
                due_on=form.due_on.data, priority=form.priority.data,
                description=form.description.data, item=_get(form.item_id.data, ReportItem),
                session=form.sessions.get(form.session_id.data),
                source="session" if form.session_id.data else "manual")
        if committed:
            flash(_("Tindak lanjut dibuat."), "success")
            return redirect(url_for(".detail", task_id=task.id))
    return render_template("followups/form.html", form=form, task=None, skpds=skpds)


def _get(ident, model):
    return None if ident is None else db.session.get(model, ident)


def render_detail(task, status_form=None, reason_form=None, close_form=None, status=200):
    user = actor()
    allowed = access.allowed_actions(task, user)
    version = task.version_id
    if status_form is None:
        status_form = StatusForm(formdata=None, version=version,
                                 moves=access.status_moves(task, user), current=task.status)
    events = db.session.scalars(
        select(TaskEvent).where(TaskEvent.task_id == task.id)
        .options(selectinload(TaskEvent.actor)).order_by(TaskEvent.id.desc())).all()
    return render_template(
        "followups/detail.html", task=task, events=events, allowed=allowed, today=today_local(),
        status_form=status_form, close_form=close_form or CloseForm(formdata=None, version=version),
        reason_form=reason_form or ReasonForm(formdata=None, version=version),
        labels=labels), status


@bp.route("/<int:task_id>")
@login_required
def detail(task_id):
    return render_detail(load_task(task_id))


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(task_id):
    task, user = load_task(task_id, "manage"), actor()
    form = TaskForm(user=user, task=task, obj=task, version=task.version_id)
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in services.EDITABLE}
        with committing() as committed:
            services.edit_task(task, data, user, expected_version=form.expected_version)
        if committed:
            flash(_("Tindak lanjut disimpan."), "success")
            return redirect(url_for(".detail", task_id=task.id))
    return render_template("followups/form.html", form=form, task=task)


@bp.route("/<int:task_id>/status", methods=["POST"])
@login_required
def update_status(task_id):
    task, user = load_task(task_id, "work"), actor()
    form = StatusForm(moves=access.status_moves(task, user), current=task.status)
    if not form.validate():
        return render_detail(task, status_form=form, status=400)
    try:
        with uploads.Staged() as staged:
            attachment = staged.store_one(form.attachment.data, ATTACHMENT_KINDS)
            services.change_status(task, form.status.data or None, user,
                                   comment=form.comment.data, attachment=attachment,
                                   expected_version=form.expected_version)
            db.session.commit()
    except (uploads.UploadRejected, services.TaskError) as exc:
        # Whatever refused the update, the message goes under the status the user chose.
        refuse(form, services.TaskError(exc.message, field="status"))
        return render_detail(db.session.get(FollowUpTask, task_id), status_form=form, status=400)
    flash(_("Tindak lanjut diperbarui."), "success")
    return redirect(url_for(".detail", task_id=task.id))


def _apply(task, change, message):
    """Run a close/cancel/reopen service; flash its refusal, or commit and flash ``message``."""
    with committing() as committed:
        change()
    if committed:
        flash(message, "success")
    return redirect(url_for(".detail", task_id=task.id))


@bp.route("/<int:task_id>/close", methods=["POST"])
@login_required
def close(task_id):
    task, form = load_task(task_id, "bappeda"), CloseForm()
    form.validate()
    return _apply(task, lambda: services.close_task(
        task, actor(), form.comment.data, expected_version=form.expected_version),
        _("Tindak lanjut ditutup."))


def _apply_with_reason(task_id, change, message):
    """Cancel or reopen: a manager's change of a task, for the reason given in the form."""
    task, form = load_task(task_id, "manage"), ReasonForm()
    form.validate()
    return _apply(task, lambda: change(
        task, form.reason.data, actor(), expected_version=form.expected_version), message)


@bp.route("/<int:task_id>/cancel", methods=["POST"])
@login_required
def cancel(task_id):
    return _apply_with_reason(task_id, services.cancel_task, _("Tindak lanjut dibatalkan."))


@bp.route("/<int:task_id>/reopen", methods=["POST"])
@login_required
def reopen(task_id):
    return _apply_with_reason(task_id, services.reopen, _("Tindak lanjut dibuka kembali."))


@bp.route("/<int:task_id>/attachments/<int:event_id>")
@login_required
def attachment(task_id, event_id):
    task = load_task(task_id)
    event = db.session.scalars(select(TaskEvent).where(
        TaskEvent.id == event_id, TaskEvent.task_id == task.id,
        TaskEvent.stored_name.is_not(None))).first() or abort(404)
    return uploads.send_stored(event.stored_name, current_app.config["UPLOAD_FOLDER"],
                               event.original_name, event.content_type)
