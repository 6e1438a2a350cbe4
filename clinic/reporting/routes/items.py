"""Item pages: the indicator, the chosen level and note, evidence files and links, submission."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from clinic import audit, uploads
from clinic.access import get_scoped_or_404
from clinic.auth.models import Role
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.reporting import bp, review, services
from clinic.reporting.forms.items import ItemForm, ReturnForm, VerifyForm
from clinic.reporting.models import Evidence, ReportItem
from clinic.web import actor, refuse


def can_edit(user, item):
    """SKPD contacts edit their own SKPD's items; staff and admin edit all; trainers only read."""
    if user.role in Role.BAPPEDA:
        return True
    return user.role == Role.CONTACT and user.skpd_id is not None and user.skpd_id == item.skpd_id


def load_item(item_id, edit=False):
    item = get_scoped_or_404(ReportItem, item_id, actor())
    if edit and not can_edit(actor(), item):
        abort(403)
    return item


def render_item(item, form=None, return_form=None, conflict=False):
    user = actor()
    if form is None:
        form = ItemForm(formdata=None, item=item)
    if conflict:
        # The next save deliberately replaces what the other person saved.
        form.version.data = item.version_id
    if return_form is None:
        return_form = ReturnForm(formdata=None, version=item.version_id)
    replaced = [e for e in item.evidence if e.removed_at is None and e.is_replaced]
    current = item.current_evidence
    return render_template(
        "reporting/item_detail.html", item=item, indicator=item.indicator, form=form,
        return_form=return_form, verify_form=VerifyForm(formdata=None, version=item.version_id),
        current=current, replaced=replaced, conflict=conflict, previews=previews(current),
        queue=queue_place(item, user), submission_time=review.submission_time(item),
        can_edit=can_edit(user, item), can_review=user.role in Role.BAPPEDA,
        accept=",".join(ext for kind in services.accept_kinds(item) for ext in (
            uploads.KINDS[kind].extension, *uploads.KINDS[kind].other_extensions)),
        limits=upload_limits(item),
    )


def previews(evidence):
    """{evidence id: 'pdf' | 'image'} of the files the page shows in place (by sniffed kind)."""
    shown = {}
    for e in evidence:
        if e.kind == "file" and uploads.can_show_inline(e.stored_name, e.content_type):
            shown[e.id] = "pdf" if uploads.stored_kind(e.stored_name) == "pdf" else "image"
    return shown


def queue_place(item, user):
    """The review queue around ``item`` when staff opened it from the queue (its filters are
    in the query string), else None."""
    if user.role not in Role.BAPPEDA or "status" not in request.args:
        return None
    return review.place_in_queue(user, item.cycle, item, review.filters_from(request.args))


def upload_limits(item):
    """Per-file limits shown on the page (uploads.inspect_upload applies the same ones)."""
    config = current_app.config
    document = uploads.KINDS["pdf"]
    limits = {"document": config.get(document.limit_key, document.default_limit)}
    if item.indicator.accepts_link:
        video = uploads.KINDS["mp4"]
        # No file can be larger than the whole request may be.
        limits["video"] = min(config.get(video.limit_key, video.default_limit),
                              config["MAX_CONTENT_LENGTH"] or video.default_limit)
    return limits


def _done_message(changed, stored, link, submit):
    if submit:
        return _("Butir diajukan. Bappeda akan memverifikasi data pendukungnya.")
    parts = []
    if changed:
        parts.append(_("Tingkat dan catatan tersimpan."))
    if stored:
        parts.append(_("%(n)s berkas diunggah.", n=len(stored)))
    if link:
        parts.append(_("Tautan ditambahkan."))
    return " ".join(parts) or _("Tidak ada yang berubah.")


def _handle(item_id, need=None, submit=False):
    """Save what the item form carries; nothing is written (no file kept) unless all succeeds."""
    item = load_item(item_id, edit=True)
    form = ItemForm(item=item)
    if form.validate():
        try:
            with uploads.Staged() as staged:
                done = services.attach_evidence(
                    item, staged, actor(), level=form.level.data, note=form.note.data,
                    files=form.files.data, url=form.url.data, replace=form.replace.data,
                    need=need, submit=submit, expected_version=form.expected_version,
                    ip=client_ip())
                db.session.commit()
        except (DomainError, StaleDataError) as exc:
            form.conflict = isinstance(exc, (services.ConflictError, StaleDataError))
            refuse(form, services.as_refusal(exc, _(
                "Butir ini baru saja diubah oleh pengguna lain. Perubahan Anda belum disimpan: "
                "periksa versi terbaru, lalu simpan kembali.")))
        else:
            flash(_done_message(*done, submit), "success")
            return redirect(url_for("reporting.item_detail", item_id=item.id))
    return render_item(item, form=form, conflict=form.conflict)


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def item_detail(item_id):
    if request.method == "POST":
        return _handle(item_id)
    return render_item(load_item(item_id))


@bp.route("/items/<int:item_id>/submit", methods=["POST"])
@login_required
def item_submit(item_id):
    return _handle(item_id, submit=True)


@bp.route("/items/<int:item_id>/evidence", methods=["POST"])
@login_required
def evidence_upload(item_id):
    return _handle(item_id, need="file")


@bp.route("/items/<int:item_id>/links", methods=["POST"])
@login_required
def evidence_link(item_id):
    return _handle(item_id, need="link")


def evidence_or_404(item, evidence_id):
    """The item's own evidence (never another item's, whatever the URL says), not removed."""
    evidence = db.session.scalars(select(Evidence).where(
        Evidence.id == evidence_id, Evidence.item_id == item.id, Evidence.removed_at.is_(None),
    )).first()
    if evidence is None:
        abort(404)
    return evidence


@bp.route("/items/<int:item_id>/evidence/<int:evidence_id>", methods=["GET"])
@login_required
def evidence_download(item_id, evidence_id):
    evidence = evidence_or_404(load_item(item_id), evidence_id)
    if evidence.kind != "file":
        abort(404)  # links are opened by the browser, never served from here
    return uploads.send_stored(evidence.stored_name, current_app.config["UPLOAD_FOLDER"],
                               evidence.original_name, evidence.content_type)


@bp.route("/items/<int:item_id>/evidence/<int:evidence_id>/view", methods=["GET"])
@login_required
def evidence_view(item_id, evidence_id):
    """A PDF or image shown in the page, under the download's access check; other kinds of
    file stay downloads."""
    evidence = evidence_or_404(load_item(item_id), evidence_id)
    if evidence.kind != "file":
        abort(404)
    return uploads.send_stored(evidence.stored_name, current_app.config["UPLOAD_FOLDER"],
                               evidence.original_name, evidence.content_type, inline=True)


@bp.route("/items/<int:item_id>/evidence/<int:evidence_id>/remove", methods=["POST"])
@login_required
def evidence_remove(item_id, evidence_id):
    item = load_item(item_id, edit=True)
    evidence = evidence_or_404(item, evidence_id)
    stored_name = evidence.stored_name
    services.remove_evidence(evidence, actor())
    audit.record("evidence_removed", actor=actor(), obj=evidence, ip=client_ip(),
                 summary=evidence.original_name or evidence.url)
    try:
        db.session.commit()
    except StaleDataError as exc:
        refuse(None, services.as_refusal(exc, _("Butir ini baru saja diubah oleh pengguna lain. "
                                                "Periksa lagi, lalu ulangi.")), "warning")
    else:
        if stored_name:
            uploads.remove_stored(stored_name, current_app.config["UPLOAD_FOLDER"])
        flash(_("Data pendukung dihapus."), "success")
    return redirect(url_for("reporting.item_detail", item_id=item.id))
