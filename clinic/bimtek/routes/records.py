"""After the event: findings per SKPD turned into follow-up tasks, photo documentation, and
the accountability pack (berkas SPJ)."""
from flask import (abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from clinic import uploads
from clinic.access import roles_required, scope
from clinic.admin.models import Skpd
from clinic.bimtek import access, bp
from clinic.bimtek.forms import FindingForm, NotesForm, PhotoForm
from clinic.bimtek.models import EventFinding, EventPhoto
from clinic.bimtek.services import findings, photos
from clinic.bimtek.services.pack import build_pack
from clinic.coaching.markup import render_markdown
from clinic.dates import today_local
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from clinic.web import actor, committing, refuse

STAFF = access.STAFF


def visible_findings(event, user):
    """(finding, SKPD name, task) of ``event`` that ``user`` may see: a contact their own
    SKPD's only."""
    stmt = (select(EventFinding, Skpd.name, FollowUpTask)
            .join(Skpd, Skpd.id == EventFinding.skpd_id)
            .outerjoin(FollowUpTask, FollowUpTask.id == EventFinding.task_id)
            .where(EventFinding.event_id == event.id).order_by(Skpd.name, EventFinding.id))
    return db.session.execute(scope(stmt, EventFinding, user)).all()


def _findings_page(event, form, status=200, notes_form=None):
    user = actor()
    is_staff = user.role in STAFF
    if is_staff and notes_form is None:
        notes_form = NotesForm(data={"notes": event.notes})
    return render_template("bimtek/findings.html", event=event, form=form, is_staff=is_staff,
                           rows=visible_findings(event, user), notes_form=notes_form,
                           notes_html=render_markdown(event.notes) if is_staff else None), status


@bp.route("/<int:event_id>/notulen", methods=["POST"])
@roles_required(*STAFF)
def notes_save(event_id):
    event = access.get_event_or_404(event_id, actor())
    form = NotesForm()
    if form.validate_on_submit():
        with committing(form) as committed:
            changed = findings.save_notes(event, form.notes.data, actor())
        if committed:
            flash(_("Notulen disimpan.") if changed else _("Tidak ada yang berubah."), "success")
            return redirect(url_for("bimtek.findings_page", event_id=event_id))
    event = access.get_event_or_404(event_id, actor())
    return _findings_page(event, FindingForm(formdata=None, invitations=event.invitations), 400,
                          notes_form=form)


@bp.route("/<int:event_id>/temuan", methods=["GET", "POST"])
@roles_required("admin", "staff", "contact")
def findings_page(event_id):
    """The findings (a contact: their SKPD's); staff record a new one here."""
    user = actor()
    event = access.get_event_or_404(event_id, user)
    form = FindingForm(invitations=event.invitations)
    if request.method == "POST" and user.role not in STAFF:
        abort(403)
    if form.validate_on_submit():
        with committing(form) as committed:
            findings.add_finding(event, form.skpd.data, form.text.data, user)
        if committed:
            flash(_("Temuan dicatat."), "success")
            return redirect(url_for("bimtek.findings_page", event_id=event_id))
    event = access.get_event_or_404(event_id, user)
    return _findings_page(event, form, 400 if form.is_submitted() else 200)


def _finding(event, finding_id):
    finding = db.session.get(EventFinding, finding_id)
    if finding is None or finding.event_id != event.id:
        abort(404)
    return finding


@bp.route("/<int:event_id>/temuan/<int:finding_id>/hapus", methods=["POST"])
@roles_required(*STAFF)
def finding_delete(event_id, finding_id):
    event = access.get_event_or_404(event_id, actor())
    with committing() as committed:
        findings.delete_finding(_finding(event, finding_id), actor())
    if committed:
        flash(_("Temuan dihapus."), "success")
    return redirect(url_for("bimtek.findings_page", event_id=event_id))


@bp.route("/<int:event_id>/temuan/<int:finding_id>/tindak-lanjut", methods=["POST"])
@roles_required(*STAFF)
def finding_task(event_id, finding_id):
    event = access.get_event_or_404(event_id, actor())
    finding = _finding(event, finding_id)
    with committing() as committed:
        task = findings.task_from_finding(event, finding, actor(), today_local())
    if not committed:
        return redirect(url_for("bimtek.findings_page", event_id=event_id))
    flash(_("Tindak lanjut dibuat dari temuan. Sesuaikan penanggung jawab dan tenggatnya."),
          "success")
    return redirect(url_for("followups.edit", task_id=task.id))


def _event_photos(event):
    return db.session.scalars(select(EventPhoto).where(EventPhoto.event_id == event.id)
                              .order_by(EventPhoto.id)).all()


def _photos_page(event, form, status=200):
    return render_template("bimtek/photos.html", event=event, form=form,
                           photos=_event_photos(event)), status


@bp.route("/<int:event_id>/foto", methods=["GET", "POST"])
@roles_required(*STAFF)
def photos_page(event_id):
    event, form = access.get_event_or_404(event_id, actor()), PhotoForm()
    if not form.validate_on_submit():
        return _photos_page(event, form, 400 if form.is_submitted() else 200)
    try:
        with uploads.Staged() as staged:
            stored = staged.store(form.photos.data, photos.PHOTO_KINDS, field="photos")
            added = photos.add_photos(event, stored, form.caption.data, actor())
            db.session.commit()
    except DomainError as error:
        refuse(form, error)
        return _photos_page(access.get_event_or_404(event_id, actor()), form, 400)
    flash(_("%(n)s foto diunggah.", n=len(added)), "success")
    return redirect(url_for("bimtek.photos_page", event_id=event_id))


def _photo(event, photo_id):
    photo = db.session.get(EventPhoto, photo_id)
    if photo is None or photo.event_id != event.id:
        abort(404)
    return photo


@bp.route("/<int:event_id>/foto/<int:photo_id>", methods=["GET"])
@roles_required(*STAFF)
def photo_download(event_id, photo_id):
    photo = _photo(access.get_event_or_404(event_id, actor()), photo_id)
    return uploads.send_stored(photo.stored_name, current_app.config["UPLOAD_FOLDER"],
                               photo.original_name, photo.content_type)


@bp.route("/<int:event_id>/foto/<int:photo_id>/hapus", methods=["POST"])
@roles_required(*STAFF)
def photo_delete(event_id, photo_id):
    photo = _photo(access.get_event_or_404(event_id, actor()), photo_id)
    with committing() as committed:
        stored_name = photos.delete_photo(photo, actor())
    if committed:
        uploads.remove_stored(stored_name, current_app.config["UPLOAD_FOLDER"])
        flash(_("Foto dihapus."), "success")
    return redirect(url_for("bimtek.photos_page", event_id=event_id))


@bp.route("/<int:event_id>/berkas-spj.zip", methods=["GET"])
@login_required
def pack(event_id):
    """The accountability pack: staff only, a 404 for everyone else."""
    user = actor()
    if user.role not in STAFF:
        abort(404)
    event = access.get_event_or_404(event_id, user)
    target = build_pack(event, current_app.config["UPLOAD_FOLDER"])
    response = send_file(target, mimetype="application/zip", as_attachment=True,
                         download_name=f"berkas-spj-bimtek-{event.id}.zip", conditional=False,
                         etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
