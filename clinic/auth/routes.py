"""Views of the auth blueprint."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import (
    current_user, fresh_login_required, login_fresh, login_required, login_user, logout_user,
)

from clinic import audit
from clinic.auth import bp
from clinic.auth.forms import (
    ChangePasswordForm, ForgotPasswordForm, LoginForm, ProfileForm, SetPasswordForm,
)
from clinic.auth.passwords import INVITE, RESET, user_for_token
from clinic.auth.services import (
    authenticate, change_own_password, find_user_by_email, normalise_email,
    send_password_reset, set_password,
)
from clinic.db_types import utcnow
from clinic.extensions import db, limiter
from clinic.i18n import client_ip
from clinic.web import actor, committing, safe_next


def _account_key():
    return "login:" + normalise_email(request.form.get("email"))


def _failed(response):
    return response.status_code != 302


def _locked(request_limit):
    audit.record("login_locked", actor_email=normalise_email(request.form.get("email")),
                 summary=str(request_limit.limit), ip=client_ip())
    db.session.commit()


def _own_account_key():
    # Guesses at the current password on the change form count per account, like logins.
    if current_user.is_authenticated:
        return f"password-change:{current_user.id}"
    return "password-change:" + (request.remote_addr or "-")


def _change_locked(request_limit):
    user = actor() if current_user.is_authenticated else None
    audit.record("password_change_locked", actor=user, summary=str(request_limit.limit),
                 ip=client_ip())
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"],
               deduct_when=_failed, on_breach=_locked)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=_failed, on_breach=_locked)
def login():
    # A session restored from the remember-me cookie may sign in again to become fresh
    # (@fresh_login_required sends it here); a fresh session has nothing to do here.
    if current_user.is_authenticated and login_fresh():
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            audit.record("login_ok", actor=user, obj=user, ip=client_ip())
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
        audit.record("login_fail", actor_email=normalise_email(form.email.data), ip=client_ip())
        db.session.commit()
        flash(_("E-mail atau kata sandi salah."), "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = actor()
    user.rotate_session_token()
    audit.record("logout", actor=user, obj=user, ip=client_ip())
    db.session.commit()
    logout_user()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            send_password_reset(user)
            audit.record("password_reset_requested", actor=user, obj=user, ip=client_ip())
            db.session.commit()
        # The same answer whether or not the address has an account.
        flash(_("Jika alamat itu terdaftar, tautan untuk mengatur ulang kata sandi telah "
                "dikirim ke e-mail tersebut. Tautan berlaku 2 jam."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def _set_password_from_link(token, purpose, template, action):
    user = user_for_token(token, purpose)
    if user is None:
        flash(_("Tautan tidak berlaku: sudah dipakai, kedaluwarsa, atau tidak lengkap. "
                "Minta tautan baru."), "danger")
        return redirect(url_for("auth.forgot_password"))
    form = SetPasswordForm()
    form._email, form._user = user.email, user
    if form.validate_on_submit():
        set_password(user, form.password.data, action=action, ip=client_ip())
        db.session.commit()
        login_user(user)
        flash(_("Kata sandi tersimpan. Selamat datang, %(name)s.", name=user.name), "success")
        return redirect(url_for("main.index"))
    return render_template(template, form=form, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _set_password_from_link(token, RESET, "auth/reset_password.html", "password_reset")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    return _set_password_from_link(token, INVITE, "auth/accept_invitation.html",
                                   "invitation_accepted")


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_own_account_key,
               methods=["POST"], deduct_when=_failed, on_breach=_change_locked)
@fresh_login_required
def change_password():
    form = ChangePasswordForm()
    form._email = current_user.email
    if form.validate_on_submit():
        user = actor()
        with committing(form) as committed:
            change_own_password(user, form.current.data, form.password.data, ip=client_ip())
        if committed:
            login_user(user)  # this session goes on with the new token; all others end
            flash(_("Kata sandi Anda telah diganti. Sesi di perangkat lain telah diakhiri."),
                  "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    user = actor()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        form.populate_obj(user)
        user.timezone = form.timezone.data or None
        db.session.commit()
        flash(_("Profil tersimpan."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, user=user)
