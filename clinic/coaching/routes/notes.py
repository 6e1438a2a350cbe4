"""Views of a session's attendance list, notes (notulen), sign-off, printout and findings."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from sqlalchemy.orm.exc import StaleDataError

from clinic.access import roles_required
from clinic.coaching import attendance, bp, notes, rsvp
from clinic.coaching.access import (can_see_private, get_editable_session_or_404,
                                    get_session_details_or_404)
from clinic.coaching.attendance import STATUS_BADGES, STATUS_LABELS
from clinic.coaching.markup import render_markdown
from clinic.coaching.minutes import minutes_for
from clinic.coaching.models import Attendance, Finding
from clinic.coaching.forms.notes import FindingForm, NotesForm, ParticipantForm, attendance_form
from clinic.dates import today_local
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.followups import bp as followups_bp
from clinic.followups.labels import STATUS_CLASSES as TASK_CLASSES
from clinic.followups.labels import STATUS_LABELS as TASK_LABELS
from clinic.web import actor, committing, refuse, safe_next


@bp.context_processor
def notes_helpers():
    return {"attendance_labels": STATUS_LABELS, "attendance_badges": STATUS_BADGES,
            "render_markdown": render_markdown,
            "finding_form": finding_form, "finding_choices": notes.finding_choices,
            "can_see_private": can_see_private,
            "task_status_labels": TASK_LABELS, "task_status_classes": TASK_CLASSES,
            "session_times": notes.session_times}


def finding_form(session, choices=None, **kwargs):
    """The add/edit form of a finding with the session's innovations and items as choices."""
    innovations, items = choices or notes.finding_choices(session)
    return FindingForm(innovations=innovations, items=items, **kwargs)


def _detail_url(session, anchor=None):
    return url_for("coaching.detail", session_id=session.id, _anchor=anchor)


def _render_attendance(session, form=None, participant_form=None):
    rows = list(session.attendance)
    if not session.is_signed_off:
        # Contacts without a row yet are listed unsaved (GET changes nothing); POST adds them.
        rows += [Attendance(user_id=u.id, skpd=u.skpd, name=u.name, position=u.position)
                 for u in attendance.missing_contacts(session)]
    answers = rsvp.answers_by_user(session)
    return render_template(
        "coaching/attendance.html", session=session, rows=rows, answers=answers,
        answer_labels=rsvp.LABELS,
        form=form or attendance_form(rows, rsvp.prefill(rows, answers)),
        participant_form=participant_form or ParticipantForm(session=session))


@bp.route("/<int:session_id>/attendance", methods=["GET", "POST"], endpoint="attendance")
@login_required
def attendance_list(session_id):
    session = get_editable_session_or_404(session_id, actor())
    if request.method == "GET":
        return _render_attendance(session)
    try:
        attendance.ensure_contact_rows(session)
        form = attendance_form(session.attendance)
        if not form.validate_on_submit():
            db.session.rollback()
            return _render_attendance(session, form=form)
        changes = attendance.record(session, form.statuses(session.attendance), actor())
    except attendance.AttendanceError as exc:
        refuse(None, exc, "warning")
    else:
        db.session.commit()
        flash(_("Daftar hadir tersimpan.") if changes else _("Tidak ada yang berubah."),
              "success")
    return redirect(url_for("coaching.attendance", session_id=session.id))


@bp.route("/<int:session_id>/attendance/add", methods=["POST"])
@login_required
def attendance_add(session_id):
    session = get_editable_session_or_404(session_id, actor())
    form = ParticipantForm(session=session)
    if form.validate_on_submit():
        with committing(form) as committed:
            row = attendance.add_participant(session, form.name.data, form.position.data,
                                             form.nip.data, form.skpd_id.data, actor())
        if committed:
            flash(_("%(name)s ditambahkan ke daftar hadir.", name=row.name), "success")
            return redirect(url_for("coaching.attendance", session_id=session.id))
    return _render_attendance(session, participant_form=form)


@bp.route("/<int:session_id>/attendance/<int:attendance_id>/remove", methods=["POST"])
@login_required
def attendance_remove(session_id, attendance_id):
    session = get_editable_session_or_404(session_id, actor())
    row = next((r for r in session.attendance if r.id == attendance_id), None)
    if row is None:
        abort(404)
    name = row.name
    with committing(category="warning") as committed:
        attendance.remove_participant(row, actor())
    if committed:
        flash(_("%(name)s dihapus dari daftar hadir.", name=name), "success")
    return redirect(url_for("coaching.attendance", session_id=session.id))


def _notes_form(session):
    note = session.note
    form = NotesForm(data={"body": note.body if note else "",
                           "private_body": note.private_body if note else ""})
    if not form.is_submitted():
        form.version.data = note.version_id if note else ""
    return form


@bp.route("/<int:session_id>/notes", methods=["GET", "POST"], endpoint="notes")
@login_required
def notes_edit(session_id):
    session = get_editable_session_or_404(session_id, actor())
    form, conflict = _notes_form(session), None
    if form.validate_on_submit():
        try:
            changed = notes.save_notes(session, form.body.data, form.private_body.data,
                                       actor(), form.expected_version)
            db.session.commit()
        except (notes.NoteConflict, StaleDataError):
            db.session.rollback()  # not refuse(): the page shows the newer notes, not a message
            conflict = session.note
            # The user's text stays in the form; the next save knowingly replaces this version.
            form.version.data = conflict.version_id if conflict else ""
        except notes.NotesError as exc:
            refuse(form, exc)
        else:
            flash(_("Notulen tersimpan.") if changed else _("Tidak ada yang berubah."), "success")
            return redirect(url_for("coaching.notes", session_id=session.id))
    return render_template("coaching/notes.html", session=session, form=form, conflict=conflict,
                           new_finding=None, minutes=minutes_for(session, actor()))


@bp.route("/<int:session_id>/notes/revisions", methods=["GET"])
@login_required
def note_revisions(session_id):
    # Revisions hold the private part, so only the session's editors may read them.
    session = get_editable_session_or_404(session_id, actor())
    return render_template("coaching/note_revisions.html", session=session,
                           revisions=session.note.revisions if session.note else [])


@bp.route("/<int:session_id>/notes/sign-off", methods=["POST"])
@login_required
def sign_off(session_id):
    session = get_editable_session_or_404(session_id, actor())
    with committing(category="warning") as committed:
        sent = notes.sign_off(session, actor(), utcnow())
    if not committed:
        return redirect(url_for("coaching.notes", session_id=session.id))
    flash(ngettext("Notulen ditandatangani dan dikunci; dikirim kepada %(num)s peserta.",
                   "Notulen ditandatangani dan dikunci; dikirim kepada %(num)s peserta.",
                   len(sent)), "success")
    return redirect(_detail_url(session))


@bp.route("/<int:session_id>/print", methods=["GET"])
@login_required
def notes_print(session_id):
    session = get_session_details_or_404(session_id, actor())
    return render_template("coaching/notes_print.html", session=session,
                           minutes=minutes_for(session, actor()),
                           times=notes.session_times(session, session.timezone),
                           city=current_app.config["CLINIC_CITY"],
                           agency=current_app.config["CLINIC_AGENCY"])


def _finding_or_404(session, finding_id):
    finding = next((f for f in session.findings if f.id == finding_id), None)
    if finding is None:
        abort(404)
    return finding


def _back(session, form):
    return redirect(safe_next(form.next.data) or _detail_url(session, "temuan"))


@bp.route("/<int:session_id>/findings", methods=["POST"])
@login_required
def finding_add(session_id):
    session = get_editable_session_or_404(session_id, actor())
    form = finding_form(session)
    if form.validate_on_submit():
        with committing(form) as committed:
            notes.add_finding(session, form.text.data, form.innovation_id.data,
                              form.item_id.data, actor())
        if committed:
            flash(_("Temuan tersimpan."), "success")
            return _back(session, form)
    # Shown again on the notes page with the input kept and the reason given.
    return render_template("coaching/notes.html", session=session, form=_notes_form(session),
                           conflict=None, new_finding=form, minutes=minutes_for(session, actor()))


@bp.route("/<int:session_id>/findings/<int:finding_id>", methods=["POST"])
@login_required
def finding_edit(session_id, finding_id):
    session = get_editable_session_or_404(session_id, actor())
    finding = _finding_or_404(session, finding_id)
    form = finding_form(session)
    if form.validate_on_submit():
        with committing(category="warning") as committed:
            notes.update_finding(finding, form.text.data, form.innovation_id.data,
                                 form.item_id.data, actor())
        if committed:
            flash(_("Temuan diperbarui."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "warning")
    return _back(session, form)


@bp.route("/<int:session_id>/findings/<int:finding_id>/delete", methods=["POST"])
@login_required
def finding_delete(session_id, finding_id):
    session = get_editable_session_or_404(session_id, actor())
    finding = _finding_or_404(session, finding_id)
    with committing(category="warning") as committed:
        notes.delete_finding(finding, actor())
    if committed:
        flash(_("Temuan dihapus."), "success")
    return redirect(safe_next(request.form.get("next")) or _detail_url(session, "temuan"))


# On the follow-ups pages (their URL and endpoint), but here with the findings: coaching builds
# on follow-ups, never the other way round.
@followups_bp.route("/from-finding/<int:finding_id>", methods=["POST"])
@roles_required("admin", "staff", "trainer")
def from_finding(finding_id):
    finding = db.session.get(Finding, finding_id) or abort(404)
    get_editable_session_or_404(finding.session_id, actor())
    with committing() as committed:
        task = notes.task_from_finding(finding, actor(), today_local())
    if not committed:
        return redirect(_detail_url(finding.session))
    flash(_("Tindak lanjut dibuat dari temuan. Sesuaikan penanggung jawab dan tenggatnya."),
          "success")
    return redirect(url_for("followups.edit", task_id=task.id))
