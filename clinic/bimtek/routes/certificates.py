"""Certificates: the event's list (staff; a contact their SKPD's), issuing in bulk, correcting
a name, downloading a PDF, and the public verification page (no login, rate-limited)."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from clinic.access import roles_required, scope
from clinic.bimtek import access, bp
from clinic.bimtek.forms import ParticipantNameForm
from clinic.bimtek.models import Certificate, EventInvitation, Participant
from clinic.bimtek.services import certificates as certs
from clinic.bimtek.services.roster import attended_days
from clinic.extensions import db, limiter
from clinic.web import actor, committing

STAFF = access.STAFF


def verify_limit():
    return current_app.config.get("CERTIFICATE_VERIFY_LIMIT", "30 per minute")


def _rows(event, user):
    """(participant, days attended, valid certificate) the user may see, by name."""
    stmt = (select(Participant).join(EventInvitation)
            .where(EventInvitation.event_id == event.id, Participant.cancelled_at.is_(None))
            .order_by(Participant.name, Participant.id))
    people = db.session.scalars(scope(stmt, Participant, user)).all()
    ids = [p.id for p in people]
    days, current = attended_days(ids), certs.current_certificates(ids)
    return [(p, days.get(p.id, 0), current.get(p.id)) for p in people]


@bp.route("/<int:event_id>/sertifikat", methods=["GET"])
@roles_required("admin", "staff", "contact")
def certificates(event_id):
    user = actor()
    event = access.get_event_or_404(event_id, user)
    return render_template("bimtek/certificates.html", event=event, rows=_rows(event, user),
                           need=certs.needed_days(event), is_staff=user.role in STAFF,
                           issuable=event.status in certs.ISSUABLE,
                           name_form=ParticipantNameForm())


@bp.route("/<int:event_id>/sertifikat/terbitkan", methods=["POST"])
@roles_required(*STAFF)
def certificates_issue(event_id):
    event = access.get_event_or_404(event_id, actor())
    with committing() as committed:
        summary = certs.issue_all(event, actor())
    if committed:
        flash(_("Sertifikat diterbitkan: %(issued)s baru, %(reissued)s diterbitkan ulang; "
                "%(skipped)s peserta belum memenuhi syarat kehadiran; %(already)s sudah "
                "memiliki sertifikat. Sertifikat baru dikirim lewat Kotak Keluar.",
                issued=summary.issued, reissued=summary.reissued, skipped=summary.skipped,
                already=summary.already), "success")
    return redirect(url_for("bimtek.certificates", event_id=event_id))


@bp.route("/<int:event_id>/peserta/<int:participant_id>/nama", methods=["POST"])
@roles_required(*STAFF)
def participant_rename(event_id, participant_id):
    """Correct a participant's name; a certificate already issued is issued again."""
    event = access.get_event_or_404(event_id, actor())
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.invitation.event_id != event.id:
        abort(404)
    form = ParticipantNameForm()
    if not form.validate_on_submit():
        for message in form.name.errors:
            flash(message, "danger")
        return redirect(url_for("bimtek.certificates", event_id=event_id))
    with committing() as committed:
        new = certs.correct_name(participant, form.name.data, actor())
    if committed:
        flash(_("Nama diperbaiki; sertifikat baru diterbitkan dengan kode %(code)s.",
                code=new.code) if new else _("Nama diperbaiki."), "success")
    return redirect(url_for("bimtek.certificates", event_id=event_id))


@bp.route("/<int:event_id>/sertifikat/<int:certificate_id>.pdf", methods=["GET"])
@roles_required("admin", "staff", "trainer", "contact")
def certificate_download(event_id, certificate_id):
    """Staff any certificate; a contact their own SKPD's participants'; others a 404."""
    user = actor()
    if user.role not in STAFF + ("contact",):
        abort(404)
    event = access.get_event_or_404(event_id, user)
    stmt = scope(select(Certificate).where(Certificate.id == certificate_id), Certificate, user)
    certificate = db.first_or_404(stmt)
    if certificate.participant.invitation.event_id != event.id:
        abort(404)
    return Response(certs.certificate_pdf(certificate), mimetype="application/pdf", headers={
        "Content-Disposition":
            f'attachment; filename="{certs.certificate_filename(certificate)}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def _verify_page(code, certificate):
    event = certificate.participant.invitation.event if certificate else None
    return render_template("bimtek/certificate_verify.html", code=code, certificate=certificate,
                           event=event, days=certs.days_text(event.days) if event else ""), 200, {
        "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/sertifikat", methods=["GET"])
@limiter.limit(verify_limit)
def certificate_lookup():
    """The public form to type a code (``?kode=``); a code goes to its page."""
    code = certs.normal_code(request.args.get("kode", ""))
    if code:
        return redirect(url_for("bimtek.certificate_verify", code=code))
    return _verify_page(None, None)


@bp.route("/sertifikat/<code>", methods=["GET"])
@limiter.limit(verify_limit)
def certificate_verify(code):
    """Public: the name, the event and its dates, and whether the code is valid or replaced.
    An unknown code gets the same page shape, saying it is not known."""
    code = code[:80]
    return _verify_page(code, certs.find_by_code(code))
