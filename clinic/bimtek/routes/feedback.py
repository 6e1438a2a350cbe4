"""Feedback after the event: staff send the form to those present; a participant answers
through the signed link in the mail (no login: the link is the key, cut from every log)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from clinic.access import roles_required
from clinic.bimtek import access, bp
from clinic.bimtek.forms import FeedbackForm
from clinic.bimtek.models import Feedback
from clinic.bimtek.services import feedback as services
from clinic.bimtek.services.participant_links import FEEDBACK, MATERIALS, link, read_token
from clinic.extensions import db
from clinic.web import actor, committing

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.app_template_global("bimtek_feedback_summary")
def feedback_summary(event):
    """The nameless summary staff see on the event page."""
    return services.summary(event)


@bp.route("/<int:event_id>/umpan-balik/kirim", methods=["POST"])
@roles_required(*access.STAFF)
def feedback_send(event_id):
    event = access.get_event_or_404(event_id, actor())
    with committing() as committed:
        written = services.send_invitations(event, actor())
    if committed:
        flash(ngettext("Formulir umpan balik dikirim ke %(num)s peserta yang hadir.",
                       "Formulir umpan balik dikirim ke %(num)s peserta yang hadir.", written)
              if written else _("Semua peserta yang hadir sudah dikirimi formulir."), "success")
    return redirect(url_for("bimtek.detail", event_id=event_id))


def _form_page(participant, token, form, status=200, done=False):
    answered = db.session.scalars(select(Feedback).where(
        Feedback.participant_id == participant.id)).first()
    return render_template(
        "bimtek/feedback_form.html", participant=participant, token=token, form=form,
        event=participant.invitation.event, answered=answered, done=done,
        materials_url=link(MATERIALS, participant)), status, NO_STORE


@bp.route("/umpan-balik/<token>", methods=["GET", "POST"])
def feedback_form(token):
    participant = read_token(FEEDBACK, token)
    if participant is None:
        return render_template("bimtek/participant_link_invalid.html"), 404, NO_STORE
    form = FeedbackForm()
    if not form.validate_on_submit():
        return _form_page(participant, token, form, 400 if form.is_submitted() else 200)
    with committing(form) as committed:
        services.submit(participant, form.rating.data, form.usefulness.data, form.comment.data)
    if not committed:
        return _form_page(read_token(FEEDBACK, token), token, form, 400)
    return _form_page(participant, token, FeedbackForm(formdata=None), done=True)
