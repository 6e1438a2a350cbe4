"""Views of the reporting blueprint: innovations, "submit again" and profile documents."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from clinic import uploads
from clinic.access import get_scoped_or_404, roles_required, scope
from clinic.admin.models import Skpd
from clinic.auth.models import Role
from clinic.catalogue.models import Cycle
from clinic.catalogue.services import current_cycle
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.ids import bounded_int
from clinic.reporting import bp, queries, services
from clinic.reporting.forms.innovations import (
    COMPLETENESS, DOCUMENT_LABELS, FORM_LABELS, INITIATOR_LABELS, STAGE_LABELS, STATUS_LABELS,
    DocumentForm, InnovationForm, ResubmitForm,
)
from clinic.reporting.models import STAGES, Innovation, InnovationDocument
from clinic.web import actor, committing, paginate, refuse

EDITORS = (Role.ADMIN, Role.STAFF, Role.CONTACT)
DOCUMENT_TYPES = ("pdf", "png", "jpeg", "docx", "xlsx")


@bp.context_processor
def innovation_labels():
    return {"stage_labels": STAGE_LABELS, "initiator_labels": INITIATOR_LABELS,
            "form_labels": FORM_LABELS, "document_labels": DOCUMENT_LABELS,
            "status_labels": STATUS_LABELS}


def _folder():
    return current_app.config["UPLOAD_FOLDER"]


def _list_filters(user):
    stage = request.args.get("stage", "")
    completeness = request.args.get("completeness", "")
    return {
        # A contact's list is their own SKPD's whatever the URL says.
        "skpd_id": (request.args.get("skpd", type=bounded_int) if user.role in Role.BAPPEDA
                    else None),
        "q": request.args.get("q", "").strip()[:100],
        "stage": stage if stage in STAGES else "",
        "completeness": completeness if completeness in COMPLETENESS else "",
    }


@bp.route("/innovations/", methods=["GET"])
@login_required
def innovation_list():
    user = actor()
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.year.desc())).all()
    year = request.args.get("cycle", type=bounded_int)
    current = next((c for c in cycles if c.is_current), cycles[0] if cycles else None)
    cycle = next((c for c in cycles if c.year == year), current) if year else current
    filters = _list_filters(user)
    page = figures = problems = None
    if cycle is not None:
        stmt = scope(queries.innovation_list_stmt(cycle, **filters), Innovation, user)
        page = paginate(stmt)
        figures = queries.innovation_figures([inn.id for inn in page.items])
        problems = {inn.id: len(queries.profile_problems(inn, cycle)) for inn in page.items}
    skpds = (db.session.scalars(select(Skpd).order_by(Skpd.code)).all()
             if user.role in Role.BAPPEDA else [])
    return render_template(
        "reporting/innovation_list.html", cycle=cycle, cycles=cycles, page=page, figures=figures,
        problems=problems, filters=filters, skpds=skpds, completeness_labels=COMPLETENESS,
        can_create=user.role in EDITORS and cycle is not None and cycle.is_current)


@bp.route("/innovations/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def innovation_create():
    user, cycle = actor(), current_cycle()
    choose_skpd = user.role in Role.BAPPEDA
    form = InnovationForm(choose_skpd=choose_skpd,
                          design_min_words=cycle.design_min_words if cycle else 300)
    if cycle is not None and form.validate_on_submit():
        skpd = db.session.get(Skpd, form.skpd_id.data) if choose_skpd else user.skpd
        if skpd is None:
            form.form_errors.append(_("Akun Anda belum terhubung ke Perangkat Daerah. "
                                      "Hubungi Bappeda."))
        else:
            innovation = services.create_innovation(skpd, cycle, form.values(), user,
                                                    ip=client_ip())
            db.session.commit()
            flash(_("Inovasi %(name)s tersimpan dengan %(n)s butir laporan. Lengkapi butirnya "
                    "satu per satu.", name=innovation.name, n=len(innovation.items)), "success")
            return redirect(url_for("reporting.innovation_detail", innovation_id=innovation.id))
    return render_template("reporting/innovation_form.html", form=form, innovation=None,
                           cycle=cycle, saved=None, divisor_effect=_divisor_effect(cycle))


@bp.route("/innovations/<int:innovation_id>", methods=["GET"])
@login_required
def innovation_detail(innovation_id):
    innovation = get_scoped_or_404(Innovation, innovation_id, actor())
    return _render_detail(innovation, DocumentForm())


def _render_detail(innovation, document_form):
    user, cycle, current = actor(), innovation.cycle, current_cycle()
    refusal = queries.resubmit_refusal(innovation, current)
    return render_template(
        "reporting/innovation_detail.html", innovation=innovation, cycle=cycle,
        summary=queries.innovation_summary(innovation),
        problems=[str(p) for p in queries.profile_problems(innovation, cycle)],
        document_form=document_form, can_edit=user.role in EDITORS,
        can_resubmit=user.role in EDITORS and refusal is None, current=current,
        copy=queries.resubmitted_copy(innovation, current) if current else None)


@bp.route("/innovations/<int:innovation_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def innovation_edit(innovation_id):
    user = actor()
    innovation = get_scoped_or_404(Innovation, innovation_id, user)
    form = InnovationForm(design_min_words=innovation.cycle.design_min_words,
                          saved_urusan=innovation.urusan)
    if not form.is_submitted():
        form.load(innovation)
    saved = None
    if form.validate_on_submit():
        try:
            changes = services.update_innovation(innovation, form.values(), user,
                                                 expected_version=form.expected_version(),
                                                 ip=client_ip())
            db.session.commit()
        except (services.ConflictError, StaleDataError) as exc:
            refuse(form, services.as_refusal(exc))
            # The user's input stays in the form; the next save knowingly replaces this version.
            form.version_id.data = innovation.version_id
            saved = form.differences(innovation)
        else:
            flash(_("Perubahan tersimpan.") if changes else _("Tidak ada yang berubah."),
                  "success")
            return redirect(url_for("reporting.innovation_detail", innovation_id=innovation.id))
    return render_template("reporting/innovation_form.html", form=form, innovation=innovation,
                           cycle=innovation.cycle, saved=saved)


@bp.route("/innovations/<int:innovation_id>/resubmit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def innovation_resubmit(innovation_id):
    user = actor()
    previous = get_scoped_or_404(Innovation, innovation_id, user)
    cycle = current_cycle()
    refusal = queries.resubmit_refusal(previous, cycle)
    if refusal:
        flash(str(refusal), "warning")
        return redirect(url_for("reporting.innovation_detail", innovation_id=previous.id))
    form = ResubmitForm()
    if form.validate_on_submit():
        with committing(form) as committed:
            innovation = services.submit_again(previous, cycle, form.development_note.data, user,
                                               ip=client_ip())
        if committed:
            flash(_("Inovasi diajukan ulang pada siklus %(year)s. Perbarui profil dan butir "
                    "laporannya.", year=cycle.year), "success")
            return redirect(url_for("reporting.innovation_detail", innovation_id=innovation.id))
    return render_template("reporting/innovation_resubmit.html", form=form, previous=previous,
                           cycle=cycle, divisor_effect=_divisor_effect(cycle))


def _divisor_effect(cycle):
    # A new innovation (created or submitted again) enters the claimed index's divisor at once.
    return services.new_innovation_effect(cycle) if cycle is not None else None


def _document_or_404(innovation, document_id):
    document = db.session.scalars(select(InnovationDocument).where(
        InnovationDocument.id == document_id,
        InnovationDocument.innovation_id == innovation.id)).first()
    if document is None:
        abort(404)
    return document


@bp.route("/innovations/<int:innovation_id>/documents", methods=["POST"])
@roles_required(*EDITORS)
def document_upload(innovation_id):
    user = actor()
    innovation = get_scoped_or_404(Innovation, innovation_id, user)
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            with uploads.Staged() as staged:
                checked, stored = staged.store_one(form.file.data, DOCUMENT_TYPES, field="file")
                services.add_document(innovation, form.kind.data, checked, stored, user,
                                      ip=client_ip())
                db.session.commit()
        except uploads.UploadRejected as exc:
            refuse(form, exc)
        else:
            flash(_("Dokumen %(name)s terunggah.", name=checked.original_name), "success")
            return redirect(url_for("reporting.innovation_detail", innovation_id=innovation.id,
                                    _anchor="dokumen"))
    return _render_detail(innovation, form)


@bp.route("/innovations/<int:innovation_id>/documents/<int:document_id>", methods=["GET"])
@login_required
def document_download(innovation_id, document_id):
    innovation = get_scoped_or_404(Innovation, innovation_id, actor())
    document = _document_or_404(innovation, document_id)
    return uploads.send_stored(document.stored_name, _folder(), document.original_name,
                               document.content_type)


@bp.route("/innovations/<int:innovation_id>/documents/<int:document_id>/remove",
          methods=["POST"])
@roles_required(*EDITORS)
def document_remove(innovation_id, document_id):
    user = actor()
    innovation = get_scoped_or_404(Innovation, innovation_id, user)
    document = _document_or_404(innovation, document_id)
    name = document.original_name
    stored = services.remove_document(document, user, ip=client_ip())
    db.session.commit()
    # The file goes only once the row is gone for good, so a failed commit loses nothing.
    try:
        uploads.remove_stored(stored, _folder())
    except (OSError, ValueError):
        current_app.logger.warning("stored document not removed: %s", stored)
    flash(_("Dokumen %(name)s dihapus.", name=name), "success")
    return redirect(url_for("reporting.innovation_detail", innovation_id=innovation.id,
                            _anchor="dokumen"))
