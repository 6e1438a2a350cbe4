"""Invitations of SKPDs: invite with a quota and a deadline, change the quota, withdraw."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from clinic.access import roles_required
from clinic.admin.models import Skpd
from clinic.bimtek import access, bp, services
from clinic.bimtek.forms import InviteForm, QuotaForm
from clinic.bimtek.models import EventInvitation
from clinic.extensions import db
from clinic.web import actor, committing

STAFF = ("admin", "staff")


def _flash_errors(form):
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "danger")


@bp.route("/<int:event_id>/undangan", methods=["POST"])
@roles_required(*STAFF)
def invite(event_id):
    event = access.get_event_or_404(event_id, actor())
    form = InviteForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("bimtek.detail", event_id=event_id))
    skpds = db.session.scalars(select(Skpd).where(Skpd.id.in_(form.skpds.data))).all()
    deadline = form.deadline_at(event.timezone)
    with committing() as committed:
        added = services.invite(event, skpds, form.quota.data, deadline, actor())
    if committed:
        flash(ngettext("%(num)s Perangkat Daerah diundang.", "%(num)s Perangkat Daerah diundang.",
                       len(added)), "success")
        if added and event.status in ("draft", "open"):
            flash(_("Surat undangan dan e-mail masuk Kotak Keluar.") if event.status == "open"
                  else _("E-mail undangan dikirim saat pendaftaran dibuka."), "info")
    return redirect(url_for("bimtek.detail", event_id=event_id))


def _invitation(invitation_id):
    invitation = db.get_or_404(EventInvitation, invitation_id)
    access.get_event_or_404(invitation.event_id, actor())
    return invitation


@bp.route("/undangan/<int:invitation_id>/kuota", methods=["POST"])
@roles_required(*STAFF)
def change_quota(invitation_id):
    invitation = _invitation(invitation_id)
    form = QuotaForm()
    if not form.validate_on_submit():
        _flash_errors(form)
    else:
        with committing() as committed:
            changed = services.change_quota(invitation, form.quota.data, actor())
        if committed and changed:
            flash(_("Kuota diubah; Perangkat Daerah diberi tahu."), "success")
    return redirect(url_for("bimtek.detail", event_id=invitation.event_id))


@bp.route("/undangan/<int:invitation_id>/tarik", methods=["POST"])
@roles_required(*STAFF)
def withdraw(invitation_id):
    invitation = _invitation(invitation_id)
    with committing() as committed:
        services.withdraw(invitation, actor())
    if committed:
        flash(_("Undangan ditarik; Perangkat Daerah diberi tahu."), "success")
    return redirect(url_for("bimtek.detail", event_id=invitation.event_id))
