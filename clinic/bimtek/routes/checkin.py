"""Check-in on the event days (staff only): the day's list to tick, the scanned QR code, walk-ins,
the daftar hadir to print or download, and staff cancelling one participant.

Trainers and contacts get none of these pages: they list every SKPD's participants.
"""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from clinic import dates
from clinic.access import roles_required
from clinic.admin.letterhead import agency_settings
from clinic.bimtek import access, bp
from clinic.bimtek.forms import ParticipantCancelForm, WalkInForm
from clinic.bimtek.models import Participant
from clinic.bimtek.services import checkin, qr, roster
from clinic.bimtek.services.attendance_pdf import (daftar_hadir_filename, daftar_hadir_pdf,
                                                   day_number)
from clinic.extensions import db
from clinic.web import actor, committing

STAFF = access.STAFF


def _day(event_id, day_id):
    event = access.get_event_or_404(event_id, actor())
    day = next((d for d in event.days if d.id == day_id), None)
    if day is None:
        abort(404)
    return event, day


def _participant(event, participant_id):
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.invitation.event_id != event.id:
        abort(404)
    return participant


def _day_page(event, day, form=None, status=200):
    rows = roster.day_roster(day)
    q = request.args.get("q", "").strip()[:100]
    return render_template(
        "bimtek/checkin.html", event=event, day=day, q=q, counts=roster.counts(rows),
        rows=[r for r in rows if r.matches(q)] if q else rows, today=checkin.event_today(event),
        form=form or WalkInForm(invitations=event.invitations), clock=checkin.clock,
        day_number=day_number(day)), status


def _back(event, day):
    return redirect(url_for("bimtek.checkin_day", event_id=event.id, day_id=day.id,
                            q=request.args.get("q") or None))


@bp.route("/<int:event_id>/hadir", methods=["GET"])
@roles_required(*STAFF)
def checkin_start(event_id):
    """The check-in list of today's event day, else of the first day."""
    event = access.get_event_or_404(event_id, actor())
    day = checkin.event_today(event) or (event.days[0] if event.days else None)
    if day is None:
        abort(404)
    return redirect(url_for("bimtek.checkin_day", event_id=event.id, day_id=day.id))


@bp.route("/<int:event_id>/hadir/<int:day_id>", methods=["GET"])
@roles_required(*STAFF)
def checkin_day(event_id, day_id):
    return _day_page(*_day(event_id, day_id))


@bp.route("/<int:event_id>/hadir/<int:day_id>/<int:participant_id>", methods=["POST"])
@roles_required(*STAFF)
def checkin_tick(event_id, day_id, participant_id):
    event, day = _day(event_id, day_id)
    participant = _participant(event, participant_id)
    with committing() as committed:
        row, created = checkin.check_in(participant, day, actor())
    if committed and created:
        flash(_("%(name)s tercatat hadir.", name=participant.name), "success")
    elif committed:
        flash(_("%(name)s sudah hadir pukul %(clock)s.", name=participant.name,
                clock=checkin.clock(row, event)), "info")
    return _back(event, day)


@bp.route("/<int:event_id>/hadir/<int:day_id>/<int:participant_id>/batal", methods=["POST"])
@roles_required(*STAFF)
def checkin_undo(event_id, day_id, participant_id):
    event, day = _day(event_id, day_id)
    participant = _participant(event, participant_id)
    with committing() as committed:
        undone = checkin.undo_check_in(participant, day, actor())
    if committed and undone:
        flash(_("Centang kehadiran %(name)s dibatalkan.", name=participant.name), "success")
    return _back(event, day)


@bp.route("/<int:event_id>/hadir/<int:day_id>/kode", methods=["POST"])
@roles_required(*STAFF)
def checkin_code(event_id, day_id):
    """A code typed or pasted on the day's page (the scanned link, or its last part)."""
    event, day = _day(event_id, day_id)
    token = request.form.get("code", "").strip().rstrip("/").rsplit("/", 1)[-1][:500]
    with committing() as committed:
        participant, today = checkin.scan(token, event=event)
        if today.id != day.id:
            raise checkin.CheckInError(_("Kode QR mencatat hari ini; buka daftar hari ini."))
        row, created = checkin.check_in(participant, day, actor(), method="qr")
    if committed:
        message = (_("%(name)s tercatat hadir.", name=participant.name) if created else
                   _("%(name)s sudah hadir pukul %(clock)s.", name=participant.name,
                     clock=checkin.clock(row, event)))
        flash(message, "success" if created else "info")
    return _back(event, day)


@bp.route("/<int:event_id>/hadir/<int:day_id>/peserta-langsung", methods=["POST"])
@roles_required(*STAFF)
def walk_in(event_id, day_id):
    event, day = _day(event_id, day_id)
    form = WalkInForm(invitations=event.invitations)
    if not form.validate_on_submit():
        return _day_page(event, day, form, 400)
    with committing(form) as committed:
        participant = checkin.add_walk_in(day, form.walk_in(), actor())
    if not committed:
        return _day_page(*_day(event_id, day_id), form, 400)
    flash(_("%(name)s ditambahkan sebagai peserta langsung dan tercatat hadir.",
            name=participant.name), "success")
    return _back(event, day)


def _scan_page(token, **context):
    return render_template("bimtek/checkin_scan.html", token=token, clock=checkin.clock,
                           **context)


@bp.route("/hadir/<token>", methods=["GET"])
@roles_required(*STAFF)
def checkin_scan(token):
    """What a staff member's phone opens from a participant's QR code: a page to confirm."""
    try:
        participant, day = checkin.scan(token)
    except checkin.CheckInError as error:
        forged = qr.token_participant(token) is None
        return _scan_page(token, error=str(error.message)), 404 if forged else 409
    found = checkin.existing_checkin(participant, day)
    return _scan_page(token, participant=participant, day=day, event=day.event,
                      checkin=found, day_number=day_number(day))


@bp.route("/hadir/<token>", methods=["POST"])
@roles_required(*STAFF)
def checkin_scan_confirm(token):
    with committing() as committed:
        participant, day = checkin.scan(token)
        row, created = checkin.check_in(participant, day, actor(), method="qr")
    if committed and created:
        flash(_("%(name)s tercatat hadir pukul %(clock)s.", name=participant.name,
                clock=checkin.clock(row, day.event)), "success")
    return redirect(url_for("bimtek.checkin_scan", token=token))


@bp.route("/<int:event_id>/hadir/<int:day_id>/cetak", methods=["GET"])
@roles_required(*STAFF)
def daftar_hadir_print(event_id, day_id):
    event, day = _day(event_id, day_id)
    rows = roster.day_roster(day)
    return render_template("bimtek/daftar_hadir_print.html", event=event, day=day, rows=rows,
                           counts=roster.counts(rows), day_number=day_number(day),
                           clock=checkin.clock, settings=agency_settings(),
                           zone=dates.zone_label(event.timezone))


@bp.route("/<int:event_id>/hadir/<int:day_id>/daftar-hadir.pdf", methods=["GET"])
@roles_required(*STAFF)
def daftar_hadir_download(event_id, day_id):
    _event, day = _day(event_id, day_id)
    return Response(daftar_hadir_pdf(day), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{daftar_hadir_filename(day)}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


@bp.route("/<int:event_id>/peserta/<int:participant_id>/batal", methods=["POST"])
@roles_required(*STAFF)
def participant_cancel(event_id, participant_id):
    """Staff cancel one participant's registration, with a reason (audit-logged)."""
    event = access.get_event_or_404(event_id, actor())
    participant, form = _participant(event, participant_id), ParticipantCancelForm()
    if not form.validate_on_submit():
        for message in form.reason.errors:
            flash(message, "danger")
        return redirect(url_for("bimtek.detail", event_id=event_id))
    with committing() as committed:
        done = checkin.cancel_by_staff(participant, form.reason.data, actor())
    if committed and done:
        flash(_("Pendaftaran %(name)s dibatalkan; kursinya kosong lagi.",
                name=participant.name), "success")
    return redirect(url_for("bimtek.detail", event_id=event_id))
