"""Pages of the work units (Perangkat Daerah): list, detail, create, edit, (de)activate, import."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from clinic.access import get_scoped_or_404, roles_required
from clinic.admin import bp, queries, services
from clinic.admin.forms import SkpdForm, SkpdImportForm, kind_label
from clinic.admin.models import SKPD_KINDS, Skpd
from clinic.admin.services.skpd_import import (
    EXAMPLE_CSV, ImportFileError, import_skpds, parse_skpd_csv, read_csv_upload, size_label,
)
from clinic.auth.models import Role
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.quoting import clip_list
from clinic.web import actor, committing, paginate


@bp.context_processor
def admin_helpers():
    """Give the admin templates the label of an SKPD kind."""
    return {"kind_label": kind_label}


@bp.route("/skpd/")
@roles_required(*Role.BAPPEDA)
def skpd_list():
    q = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    status = request.args.get("status", "")
    page = paginate(queries.skpd_rows(q, kind, status))
    return render_template(
        "admin/skpd_list.html", page=page, q=q, kind=kind, status=status, kinds=SKPD_KINDS,
        counts=queries.skpd_status_counts(),
        contact_counts=queries.active_contact_counts([s.id for s in page.items]),
    )


@bp.route("/skpd/<int:skpd_id>")
@roles_required(*Role.BAPPEDA)
def skpd_detail(skpd_id):
    skpd = get_scoped_or_404(Skpd, skpd_id, actor())
    return render_template("admin/skpd_detail.html", skpd=skpd)


@bp.route("/skpd/new", methods=["GET", "POST"])
@roles_required(*Role.BAPPEDA)
def skpd_create():
    form = SkpdForm()
    if form.validate_on_submit():
        with committing(form) as committed:
            skpd = services.create_skpd(actor(), client_ip(), **form.values())
        if committed:
            flash(_("Perangkat Daerah %(name)s tersimpan.", name=skpd.name), "success")
            return redirect(url_for("admin.skpd_detail", skpd_id=skpd.id))
    return render_template("admin/skpd_form.html", form=form, skpd=None)


@bp.route("/skpd/<int:skpd_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.BAPPEDA)
def skpd_edit(skpd_id):
    skpd = get_scoped_or_404(Skpd, skpd_id, actor())
    form = SkpdForm(obj=skpd, skpd=skpd)
    if form.validate_on_submit():
        with committing(form) as committed:
            changes = services.update_skpd(skpd, actor(), client_ip(), **form.values())
        if committed:
            flash(_("Perubahan tersimpan.") if changes else _("Tidak ada yang berubah."), "success")
            return redirect(url_for("admin.skpd_detail", skpd_id=skpd.id))
    return render_template("admin/skpd_form.html", form=form, skpd=skpd)


@bp.route("/skpd/<int:skpd_id>/deactivate", methods=["POST"])
@roles_required(*Role.BAPPEDA)
def skpd_deactivate(skpd_id):
    skpd = get_scoped_or_404(Skpd, skpd_id, actor())
    ended = services.deactivate_skpd(skpd, actor(), client_ip())
    db.session.commit()
    flash(_("%(name)s dinonaktifkan; datanya tetap tersimpan. %(n)s akun operator ikut "
            "dinonaktifkan.", name=skpd.name, n=len(ended)), "success")
    return redirect(url_for("admin.skpd_detail", skpd_id=skpd.id))


@bp.route("/skpd/<int:skpd_id>/reactivate", methods=["POST"])
@roles_required(*Role.BAPPEDA)
def skpd_reactivate(skpd_id):
    skpd = get_scoped_or_404(Skpd, skpd_id, actor())
    services.reactivate_skpd(skpd, actor(), client_ip())
    db.session.commit()
    flash(_("%(name)s aktif kembali. Akun operatornya tidak ikut diaktifkan; aktifkan satu per "
            "satu bila masih diperlukan.", name=skpd.name), "success")
    return redirect(url_for("admin.skpd_detail", skpd_id=skpd.id))


@bp.route("/skpd/import", methods=["GET", "POST"])
@roles_required(*Role.BAPPEDA)
def skpd_import():
    form = SkpdImportForm()
    max_bytes = current_app.config["CSV_IMPORT_MAX_BYTES"]
    result = None
    if form.validate_on_submit():
        try:
            result = parse_skpd_csv(read_csv_upload(form.file.data.stream, max_bytes))
        except ImportFileError as exc:
            form.file.errors.append(str(exc))
        else:
            if result.ok:
                import_skpds(result, actor=actor(), ip=client_ip())
                db.session.commit()
                flash(_("Impor selesai: %(created)s Perangkat Daerah baru, %(updated)s diperbarui.",
                        created=result.created, updated=result.updated), "success")
                ignored = result.ignored_columns
                if ignored:  # counted and cut: flashes live in the session cookie
                    flash(ngettext("%(num)s kolom tidak dikenal dan diabaikan: %(columns)s.",
                                   "%(num)s kolom tidak dikenal dan diabaikan: %(columns)s.",
                                   len(ignored), columns=clip_list(ignored)), "info")
                return redirect(url_for("admin.skpd_list"))
    return render_template("admin/skpd_import.html", form=form, result=result, kinds=SKPD_KINDS,
                           example=EXAMPLE_CSV, max_size=size_label(max_bytes))
