"""Registration of participants by an invited SKPD's contact (or staff), and the
participant's cancel link (no login: the signed link is the key, cut from every log line)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from clinic.access import roles_required
from clinic.bimtek import access, bp, services
from clinic.bimtek.forms import ParticipantForm
from clinic.bimtek.services import links
from clinic.bimtek.services.registration import seats_taken
from clinic.extensions import db
from clinic.web import actor, committing

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _page(invitation, form, status=200):
    user = actor()
    return render_template(
        "bimtek/register.html", invitation=invitation, event=invitation.event, form=form,
        taken=seats_taken(invitation.id), is_staff=user.role in access.STAFF,
        participants=access.visible_participants(invitation.event, user)), status


@bp.route("/undangan/<int:invitation_id>/daftar", methods=["GET", "POST"])
@roles_required("admin", "staff", "contact")
def register(invitation_id):
    invitation = access.own_invitation_or_404(invitation_id, actor())
    form = ParticipantForm()
    if not form.validate_on_submit():
        return _page(invitation, form, 400 if form.is_submitted() else 200)
    with committing(form) as committed:
        participant = services.register(invitation.id, form.participant(), actor(),
                                        override_reason=form.override_reason.data)
    if not committed:
        # The typed values stay in the form; the refusal is shown above it.
        invitation = access.own_invitation_or_404(invitation_id, actor())
        return _page(invitation, form, 409)
    flash(_("%(name)s terdaftar; konfirmasi dikirim ke e-mailnya.", name=participant.name),
          "success")
    return redirect(url_for("bimtek.register", invitation_id=invitation_id))


@bp.route("/batal-daftar/<token>", methods=["GET"])
def cancel_registration(token):
    participant = links.read_token(token)
    if participant is None:
        return render_template("bimtek/link_invalid.html"), 404, NO_STORE
    return render_template("bimtek/cancel_registration.html", participant=participant,
                           event=participant.invitation.event, token=token), 200, NO_STORE


@bp.route("/batal-daftar/<token>", methods=["POST"])
def cancel_registration_confirm(token):
    participant = links.read_token(token)
    if participant is None:
        return render_template("bimtek/link_invalid.html"), 404, NO_STORE
    if services.cancel_registration(participant):
        db.session.commit()
    return render_template("bimtek/cancel_registration.html", participant=participant,
                           event=participant.invitation.event, token=token,
                           done=True), 200, NO_STORE
