"""The agency's letterhead and signer (kop surat, penanda tangan): staff see it, admin edit."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from clinic.access import roles_required
from clinic.admin import bp, services
from clinic.admin.forms import AgencyForm
from clinic.admin.letterhead import agency_settings
from clinic.auth.models import Role
from clinic.i18n import client_ip
from clinic.web import actor, committing


def _page(form, settings):
    return render_template("admin/agency.html", form=form, settings=settings,
                           can_edit=actor().role == Role.ADMIN)


@bp.route("/instansi", methods=["GET"])
@roles_required(*Role.BAPPEDA)
def agency():
    settings = agency_settings()
    return _page(AgencyForm(obj=settings), settings)


@bp.route("/instansi", methods=["POST"])
@roles_required(Role.ADMIN)
def agency_save():
    settings = agency_settings()
    form = AgencyForm()
    if form.validate_on_submit():
        with committing(form) as committed:
            changes = services.save_agency_settings(settings, form.values(), actor(),
                                                    client_ip())
        if committed:
            flash(_("Kop surat dan penanda tangan tersimpan.") if changes
                  else _("Tidak ada yang berubah."), "success")
            return redirect(url_for("admin.agency"))
    return _page(form, settings), 400
