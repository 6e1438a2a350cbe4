"""Flask-Login wiring: alternative-token user loading and idle/absolute session timeouts."""
import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user, user_loaded_from_cookie, user_logged_in
from sqlalchemy import select

from clinic.auth.models import User
from clinic.extensions import db

STARTED = "_started"
SEEN = "_seen"


def load_user(token):
    user = db.session.scalars(select(User).where(User.session_token == token)).first()
    if user is None or not user.is_active:
        return None
    return user


def _stamp_session(app, user):
    now = int(time.time())
    session[STARTED] = now
    session[SEEN] = now


def enforce_timeouts():
    """Log out sessions idle too long or older than the absolute lifetime."""
    if not current_user.is_authenticated or request.endpoint in (None, "static"):
        return None
    now = int(time.time())
    started = session.get(STARTED)
    seen = session.get(SEEN, started)
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if started is None or now - seen > idle or now - started > absolute:
        logout_user()
        session.pop(STARTED, None)
        session.pop(SEEN, None)
        flash(_l("Sesi Anda telah berakhir. Silakan masuk kembali."), "warning")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    session[SEEN] = now
    return None


def init_app(app, login_manager):
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.login"
    login_manager.needs_refresh_message = _l("Masukkan kata sandi Anda lagi untuk melanjutkan.")
    login_manager.needs_refresh_message_category = "info"
    login_manager.session_protection = "basic"
    user_logged_in.connect(_stamp_session, app)
    user_loaded_from_cookie.connect(_stamp_session, app)
    app.before_request(enforce_timeouts)
