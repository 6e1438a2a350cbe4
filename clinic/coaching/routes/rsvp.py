"""The answer page of an invitation's links: one click records the answer, the page changes it.

No login: the signed link is the key (clinic.coaching.rsvp). GET records the answer the link
names (``?jawaban=hadir``), idempotently, and shows the page where it can be changed (HEAD, as
link checkers send, records nothing); POST changes it. The page speaks the invitee's language.
The token is cut from every log line (clinic.log_redaction).
"""
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import force_locale

from clinic.coaching import bp, rsvp
from clinic.coaching.forms.rsvp import RsvpForm
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.web import refuse


def _page(token, session, user, form=None, status=200):
    row = rsvp.answer_of(session, user)
    form = form or RsvpForm(data={"answer": row.answer if row else None,
                                  "representative": row.representative if row else None})
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        html = render_template("coaching/rsvp.html", token=token, session=session, user=user,
                               row=row, form=form, is_open=rsvp.is_open(session),
                               saved=request.args.get("saved") == "1",
                               labels=rsvp.LABELS, badges=rsvp.BADGES)
    # The URL holds the key: no cache keeps the page, no other site learns it as a referrer.
    return html, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _invalid():
    return render_template("coaching/rsvp_invalid.html"), 404, {"Cache-Control": "no-store"}


@bp.route("/jawab/<token>", methods=["GET"])
def rsvp_answer(token):
    found, answer = rsvp.read_token(token), request.args.get("jawaban")
    if found is None or (answer is not None and answer not in rsvp.ANSWERS):
        return _invalid()
    session, user = found
    if answer and request.method == "GET" and rsvp.is_open(session):
        if rsvp.record_click(session, user, rsvp.ANSWERS[answer], ip=client_ip()):
            db.session.commit()
    return _page(token, session, user)


@bp.route("/jawab/<token>", methods=["POST"])
def rsvp_change(token):
    found = rsvp.read_token(token)
    if found is None:
        return _invalid()
    session, user = found
    form = RsvpForm()
    if not form.validate_on_submit():
        return _page(token, session, user, form=form, status=400)
    try:
        rsvp.record(session, user, form.answer.data, form.representative.data, ip=client_ip())
    except rsvp.RsvpError as exc:
        refuse(form, exc)
        return _page(token, session, user, form=form, status=409)
    db.session.commit()
    return redirect(url_for("coaching.rsvp_answer", token=token, saved=1))
