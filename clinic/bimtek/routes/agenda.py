"""The agenda: the page invitees see (and print), adding and moving items with warnings."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from clinic.access import roles_required
from clinic.bimtek import access, bp, services
from clinic.bimtek.forms import AgendaItemForm, MoveForm
from clinic.bimtek.models import AgendaItem, EventDay
from clinic.extensions import db
from clinic.web import actor, committing

STAFF = ("admin", "staff")


def _day(event, day_id):
    return next((d for d in event.days if d.id == day_id), None)


@bp.route("/<int:event_id>/agenda", methods=["GET"])
@roles_required("admin", "staff", "trainer", "contact")
def agenda(event_id):
    user = actor()
    event = access.get_event_or_404(event_id, user)
    is_staff = user.role in STAFF
    return render_template(
        "bimtek/agenda.html", event=event, is_staff=is_staff,
        warnings=services.agenda_warnings(event) if is_staff else [],
        form=AgendaItemForm(event=event) if is_staff else None,
        move_form=MoveForm(event=event) if is_staff else None)


@bp.route("/<int:event_id>/agenda/cetak", methods=["GET"])
@roles_required("admin", "staff", "trainer", "contact")
def agenda_print(event_id):
    event = access.get_event_or_404(event_id, actor())
    return render_template("bimtek/agenda_print.html", event=event,
                           city=current_app.config["CLINIC_CITY"],
                           agency=current_app.config["CLINIC_AGENCY"])


@bp.route("/<int:event_id>/agenda/tambah", methods=["POST"])
@roles_required(*STAFF)
def agenda_add(event_id):
    event = access.get_event_or_404(event_id, actor())
    form = AgendaItemForm(event=event)
    if form.validate_on_submit():
        with committing(form) as committed:
            services.add_item(_day(event, form.day.data), form.starts.data, form.ends.data,
                              form.title.data, form.track.data, form.speakers())
        if committed:
            for warning in services.agenda_warnings(event):
                flash(str(warning), "warning")
            flash(_("Acara ditambahkan ke agenda."), "success")
            return redirect(url_for("bimtek.agenda", event_id=event_id))
    return render_template("bimtek/agenda.html", event=event, is_staff=True, form=form,
                           warnings=services.agenda_warnings(event),
                           move_form=MoveForm(event=event)), 400


@bp.route("/<int:event_id>/agenda/<int:item_id>/pindah", methods=["POST"])
@roles_required(*STAFF)
def agenda_move(event_id, item_id):
    event = access.get_event_or_404(event_id, actor())
    item = db.get_or_404(AgendaItem, item_id)
    form = MoveForm(event=event)
    if item.day.event_id != event.id or not form.validate_on_submit():
        flash(_("Pilih hari dan urutan yang benar."), "danger")
        return redirect(url_for("bimtek.agenda", event_id=event_id))
    with committing() as committed:
        services.move_item(item, db.session.get(EventDay, form.day.data), form.position.data - 1)
    if committed:
        for warning in services.agenda_warnings(event):
            flash(str(warning), "warning")
    return redirect(url_for("bimtek.agenda", event_id=event_id))
