"""Pages of the user accounts: list, invite, edit, (de)activate and resend the invitation."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from clinic.access import roles_required
from clinic.admin import bp, queries, services
from clinic.admin.forms import UserForm
from clinic.admin.models import Skpd
from clinic.auth.models import Role, User
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.ids import bounded_int
from clinic.web import actor, committing, paginate


def _manageable_user_or_404(user_id):
    # Staff may see admin accounts in the list but may not open or change them.
    user = db.session.get(User, user_id) or abort(404)
    if not services.can_manage(actor(), user):
        abort(403)
    return user


@bp.route("/users/")
@roles_required(*Role.BAPPEDA)
def user_list():
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    skpd_id = request.args.get("skpd", type=bounded_int)
    status = request.args.get("status", "")
    page = paginate(queries.user_rows(q, role, skpd_id, status))
    skpds = db.session.scalars(select(Skpd).order_by(Skpd.code)).all()
    return render_template("admin/user_list.html", page=page, q=q, role=role, skpd_id=skpd_id,
                           status=status, roles=Role.ALL, skpds=skpds,
                           can_manage=services.can_manage, me=actor())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(*Role.BAPPEDA)
def user_create():
    form = UserForm(roles=services.grantable_roles(actor()))
    if request.method == "GET" and request.args.get("skpd", type=bounded_int):
        # "Tambah operator" on an SKPD page pre-fills the unit and the contact role.
        form.skpd_id.data = request.args.get("skpd", type=bounded_int)
        form.role.data = Role.CONTACT
    if form.validate_on_submit():
        with committing(form) as committed:
            user = services.create_user(actor(), client_ip(), **form.values())
        if committed:
            flash(_("Akun %(email)s dibuat. Undangan untuk membuat kata sandi telah dikirim ke "
                    "e-mail tersebut.", email=user.email), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.BAPPEDA)
def user_edit(user_id):
    user = _manageable_user_or_404(user_id)
    form = UserForm(obj=user, roles=services.grantable_roles(actor()), user=user)
    if form.validate_on_submit():
        with committing(form) as committed:
            changes = services.update_user(user, actor(), client_ip(), **form.values())
        if committed:
            flash(_("Perubahan tersimpan.") if changes else _("Tidak ada yang berubah."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user)


def _account_action(user_id, action, done_message):
    user = _manageable_user_or_404(user_id)
    with committing() as committed:
        action(user, actor(), client_ip())
    if committed:
        flash(done_message % {"email": user.email}, "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required(*Role.BAPPEDA)
def user_deactivate(user_id):
    return _account_action(user_id, services.deactivate_user, _(
        "Akun %(email)s dinonaktifkan. Semua sesinya telah diakhiri dan ia tidak dapat masuk lagi."))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required(*Role.BAPPEDA)
def user_reactivate(user_id):
    return _account_action(user_id, services.reactivate_user,
                           _("Akun %(email)s aktif kembali."))


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@roles_required(*Role.BAPPEDA)
def user_resend_invitation(user_id):
    return _account_action(user_id, services.invite_user,
                           _("Undangan baru telah dikirim ke %(email)s."))
