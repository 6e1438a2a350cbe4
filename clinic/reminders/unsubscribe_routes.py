"""One-click unsubscribe from non-mandatory e-mails: a signed link, no login needed.

GET shows a confirmation page (mail scanners that follow links must not unsubscribe anyone);
POST does it, also as the RFC 8058 one-click POST ("List-Unsubscribe=One-Click") that mail
clients send without our CSRF token: the signed token is the proof instead.
"""
from flask import Blueprint, render_template

from clinic.extensions import csrf, db
from clinic.reminders import preferences

bp = Blueprint("unsubscribe", __name__)


def _invalid():
    return render_template("reminders/unsubscribe_invalid.html"), 404


@bp.route("/<token>", methods=["GET"])
def confirm(token):
    found = preferences.read_token(token)
    if found is None:
        return _invalid()
    user, kind = found
    return render_template("reminders/unsubscribe.html", user=user, kind=kind, token=token,
                           done=False)


@bp.route("/<token>", methods=["POST"])
@csrf.exempt
def perform(token):
    found = preferences.read_token(token)
    if found is None:
        return _invalid()
    user, kind = found
    preferences.unsubscribe(user, kind)
    db.session.commit()
    return render_template("reminders/unsubscribe.html", user=user, kind=kind, token=token,
                           done=True)
