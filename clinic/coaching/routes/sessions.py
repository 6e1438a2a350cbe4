"""Session pages: the list, scheduling with warnings, the detail page, changes and cancellation."""
from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from clinic.access import roles_required
from clinic.admin.models import Skpd
from clinic.auth.models import Role, User
from clinic.coaching import access, bp, checks, rsvp, services
from clinic.coaching.forms.sessions import CancelForm, SessionForm
from clinic.coaching.minutes import minutes_for
from clinic.coaching.models import SessionStatus
from clinic.extensions import db
from clinic.followups.services import open_tasks_for_skpds
from clinic.i18n import client_ip, select_timezone
from clinic.ids import bounded_int
from clinic.web import actor, paginate, refuse

STATUS_LABELS = {SessionStatus.PLANNED: _l("Terjadwal"), SessionStatus.HELD: _l("Terlaksana"),
                 SessionStatus.CANCELLED: _l("Dibatalkan")}
STATUS_CLASSES = {SessionStatus.PLANNED: "status-submitted", SessionStatus.HELD: "status-verified",
                  SessionStatus.CANCELLED: "status-cancelled"}
EVENT_LABELS = {"created": _l("Dijadwalkan"), "updated": _l("Diubah"),
                "rescheduled": _l("Jadwal ulang"), "cancelled": _l("Dibatalkan"),
                "signed_off": _l("Notulen disahkan"),
                "attendance": _l("Daftar hadir diperbarui")}
WHEN_LABELS = {"upcoming": _l("Akan datang"), "past": _l("Sudah lewat"), "all": _l("Semua")}


@bp.app_template_filter("session_time")
def session_time(session, tz=None):
    """A session's date and time span in the viewer's zone, the zone named."""
    return checks.span(session.starts_at, session.ends_at, tz or select_timezone())


@bp.app_template_filter("iso_span")
def iso_span(pair, tz=None):
    """A [start, end] pair of ISO instants (as the history keeps them) in the viewer's zone."""
    start, end = (datetime.fromisoformat(value) for value in pair)
    return checks.span(start, end, tz or select_timezone())


@bp.context_processor
def session_labels():
    return {"session_status_labels": STATUS_LABELS, "session_status_classes": STATUS_CLASSES,
            "session_event_labels": EVENT_LABELS, "viewer_zone": select_timezone(),
            "rsvp_labels": rsvp.LABELS, "rsvp_badges": rsvp.BADGES}


def _list_filters(user):
    when = request.args.get("when", "upcoming")
    wide, status = user.role != Role.CONTACT, request.args.get("status", "")
    mine = request.args.get("mine", "1" if user.role == Role.TRAINER else "") == "1"
    return {
        "when": when if when in WHEN_LABELS else "upcoming",
        "skpd_id": request.args.get("skpd", type=bounded_int) if wide else None,
        "trainer_id": (user.id if user.role == Role.TRAINER and mine
                       else request.args.get("trainer", type=bounded_int) if wide else None),
        "status": status if status in STATUS_LABELS else "",
        "q": request.args.get("q", "").strip()[:100],
    }


@bp.route("/", methods=["GET"])
@login_required
def index():
    user = actor()
    filters = _list_filters(user)
    stmt = access.visible_sessions(services.list_stmt(**filters), user)
    page = paginate(stmt)
    wide = user.role != Role.CONTACT
    return render_template(
        "coaching/index.html", page=page, filters=filters, when_labels=WHEN_LABELS,
        counts=services.status_counts(access.visible_sessions(
            services.list_stmt(**{**filters, "status": ""}), user)),
        mine=user.role == Role.TRAINER and filters["trainer_id"] == user.id,
        skpds=db.session.scalars(select(Skpd).order_by(Skpd.code)).all() if wide else [],
        trainers=db.session.scalars(select(User).where(User.role == Role.TRAINER)
                                    .order_by(User.name)).all() if wide else [],
        can_schedule=user.role in Role.BAPPEDA)


def _save(form, session=None):
    """Validate, check and save; return the session(s) or None with the warnings to show."""
    values = form.values()
    warnings = services.warnings_for(values, session)
    if warnings and not form.confirm.data:
        return None, warnings
    if session is None:
        return services.schedule(values, actor(), warnings=warnings, ip=client_ip()), warnings
    services.update(session, values, actor(), expected_version=form.expected_version,
                    warnings=warnings, ip=client_ip())
    return [session], warnings


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*Role.BAPPEDA)
def create():
    form = SessionForm(default_zone=actor().timezone or current_app.config["CLINIC_TIMEZONE"])
    warnings = []
    if form.validate_on_submit():
        sessions, warnings = _save(form)
        if sessions:
            db.session.commit()
            flash(_("Coaching Clinic dijadwalkan dan undangan dikirim.") if len(sessions) == 1 else
                  ngettext("%(num)s sesi berseri dijadwalkan dan undangan dikirim.",
                           "%(num)s sesi berseri dijadwalkan dan undangan dikirim.",
                           len(sessions)), "success")
            return redirect(url_for("coaching.detail", session_id=sessions[0].id))
    return render_template("coaching/form.html", form=form, session=None, warnings=warnings)


def _carried_tasks(session, minutes):
    """Open tasks of the session's SKPDs whose rows the viewer sees here, for the agenda."""
    if session.status != SessionStatus.PLANNED or not minutes.details:
        return []
    return open_tasks_for_skpds(minutes.scope.skpd_ids)


@bp.route("/<int:session_id>", methods=["GET"])
@login_required
def detail(session_id):
    user = actor()
    session = access.get_session_or_404(session_id, user)
    minutes = minutes_for(session, user)
    return render_template(
        "coaching/detail.html", session=session, viewer=user, minutes=minutes,
        can_edit=access.can_edit(session, user), carried_tasks=_carried_tasks(session, minutes),
        can_manage=user.role in Role.BAPPEDA and session.status == SessionStatus.PLANNED)


def _managed_session(session_id):
    """A session Bappeda may change: others' SKPD sessions 404 for contacts, 403 for the rest."""
    user = actor()
    session = access.get_session_or_404(session_id, user)
    if user.role not in Role.BAPPEDA:
        abort(403)
    return session


def _refuse(form, session, exc):
    """Show why a change was refused; return True when someone else saved the session first.

    After such a conflict the next save deliberately replaces what the other person saved.
    """
    if isinstance(exc, StaleDataError):  # the same race, noticed by the database on flush
        exc = services.SessionConflict(services.CONFLICT)
    refuse(form, exc)
    if isinstance(exc, services.SessionConflict):
        form.version.data = session.version_id
        return True
    return False


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id):
    session = _managed_session(session_id)
    form, warnings, conflict = SessionForm(session=session), [], False
    if session.status != SessionStatus.PLANNED:
        form.form_errors.append(_("Sesi yang sudah dibatalkan atau terlaksana tidak dapat diubah."))
    elif form.validate_on_submit():
        try:
            saved, warnings = _save(form, session)
            if saved:
                db.session.commit()
                flash(_("Perubahan sesi tersimpan."), "success")
                return redirect(url_for("coaching.detail", session_id=session.id))
        except (services.SessionError, StaleDataError) as exc:
            conflict = _refuse(form, session, exc)
    return render_template("coaching/form.html", form=form, session=session, warnings=warnings,
                           conflict=conflict)


@bp.route("/<int:session_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(session_id):
    session = _managed_session(session_id)
    form = CancelForm()
    if not form.is_submitted():
        form.version.data = session.version_id
    if session.status != SessionStatus.PLANNED:
        form.form_errors.append(_("Sesi yang sudah dibatalkan atau terlaksana tidak dapat "
                                  "dibatalkan."))
    elif form.validate_on_submit():
        try:
            services.cancel(session, form.reason.data, actor(),
                            expected_version=form.expected_version, ip=client_ip())
            db.session.commit()
            flash(_("Sesi dibatalkan. Pemberitahuan pembatalan dikirim kepada semua peserta."),
                  "success")
            return redirect(url_for("coaching.detail", session_id=session.id))
        except (services.SessionError, StaleDataError) as exc:
            _refuse(form, session, exc)
    return render_template("coaching/cancel.html", form=form, session=session,
                           recipients=services.invitations.recipients(session))
