"""Materials of agenda items: managed by staff and the item's speakers, downloaded by those
entitled, and by registered participants through their signed link (no login)."""
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from clinic import uploads
from clinic.access import roles_required
from clinic.bimtek import access, bp
from clinic.bimtek.forms import MaterialForm
from clinic.bimtek.models import AgendaItem, EventDay, Material
from clinic.bimtek.services import materials as services
from clinic.bimtek.services.participant_links import MATERIALS, read_token
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.web import actor, committing, refuse

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def event_materials(event):
    """The materials of ``event``'s agenda, by item id."""
    stmt = (select(Material).join(AgendaItem).join(EventDay)
            .where(EventDay.event_id == event.id).order_by(Material.id))
    found = {}
    for material in db.session.scalars(stmt):
        found.setdefault(material.item_id, []).append(material)
    return found


@bp.app_template_global("bimtek_item_materials")
def item_materials(event, user):
    """For the agenda page: per item id, its materials and what ``user`` may do with them."""
    found = event_materials(event)
    return {item.id: SimpleNamespace(
        materials=found.get(item.id, []), can_download=access.may_download_material(item, user),
        can_manage=access.may_manage_materials(item, user))
        for day in event.days for item in day.items}


def _managed_item(event_id, item_id):
    user = actor()
    item = access.item_or_404(access.get_event_or_404(event_id, user), item_id)
    if not access.may_manage_materials(item, user):
        abort(404)
    return item


def _page(item, form, status=200):
    rows = event_materials(item.day.event).get(item.id, [])
    return render_template("bimtek/materials.html", item=item, event=item.day.event,
                           materials=rows, form=form), status


def _add(item, form):
    """Store the file or the link of ``form``; nothing is kept unless all succeeds."""
    with uploads.Staged() as staged:
        if form.file.data:
            services.add_file_material(item, form.title.data, staged.store_one(
                form.file.data, services.MATERIAL_KINDS, field="file"), actor())
        else:
            services.add_link_material(item, form.title.data, form.url.data, actor())
        db.session.commit()


@bp.route("/<int:event_id>/agenda/<int:item_id>/materi", methods=["GET", "POST"])
@roles_required("admin", "staff", "trainer")
def materials(event_id, item_id):
    item = _managed_item(event_id, item_id)
    form = MaterialForm()
    if not form.validate_on_submit():
        return _page(item, form, 400 if form.is_submitted() else 200)
    try:
        _add(item, form)
    except DomainError as error:
        refuse(form, error)
        return _page(_managed_item(event_id, item_id), form, 400)
    flash(_("Materi ditambahkan."), "success")
    return redirect(url_for("bimtek.materials", event_id=event_id, item_id=item_id))


def _material(event, material_id):
    material = db.session.get(Material, material_id)
    if material is None or material.item.day.event_id != event.id:
        abort(404)
    return material


@bp.route("/<int:event_id>/materi/<int:material_id>/hapus", methods=["POST"])
@roles_required("admin", "staff", "trainer")
def material_delete(event_id, material_id):
    user = actor()
    material = _material(access.get_event_or_404(event_id, user), material_id)
    if not access.may_manage_materials(material.item, user):
        abort(404)
    item_id = material.item_id
    with committing() as committed:
        stored_name = services.delete_material(material, user)
    if committed:
        if stored_name:
            uploads.remove_stored(stored_name, current_app.config["UPLOAD_FOLDER"])
        flash(_("Materi dihapus."), "success")
    return redirect(url_for("bimtek.materials", event_id=event_id, item_id=item_id))


def _send(material):
    if material.stored_name is None:
        abort(404)  # a link is opened by the browser, never served from here
    return uploads.send_stored(material.stored_name, current_app.config["UPLOAD_FOLDER"],
                               material.original_name, material.content_type)


@bp.route("/<int:event_id>/materi/<int:material_id>", methods=["GET"])
@roles_required("admin", "staff", "trainer", "contact")
def material_download(event_id, material_id):
    user = actor()
    material = _material(access.get_event_or_404(event_id, user), material_id)
    if not access.may_download_material(material.item, user):
        abort(404)
    return _send(material)


def _participant_event(token):
    participant = read_token(MATERIALS, token)
    if participant is None:
        return None, None
    return participant, participant.invitation.event


@bp.route("/materi/<token>", methods=["GET"])
def participant_materials(token):
    participant, event = _participant_event(token)
    if participant is None:
        return render_template("bimtek/participant_link_invalid.html"), 404, NO_STORE
    return render_template("bimtek/participant_materials.html", event=event, token=token,
                           participant=participant,
                           materials=event_materials(event)), 200, NO_STORE


@bp.route("/materi/<token>/<int:material_id>", methods=["GET"])
def participant_material_download(token, material_id):
    participant, event = _participant_event(token)
    if participant is None:
        abort(404)
    return _send(_material(event, material_id))
