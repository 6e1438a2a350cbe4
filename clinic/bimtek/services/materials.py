"""Materials of agenda items: files stored like evidence, or http(s) links, each with a title."""
from flask_babel import lazy_gettext as _l

from clinic import audit, uploads
from clinic.bimtek.models import Material
from clinic.bimtek.services.events import EventError
from clinic.extensions import db

# Slides and documents; the sniffing and size limits are those of evidence.
MATERIAL_KINDS = ("pdf", "pptx", "docx", "xlsx", "jpeg", "png")
TITLE_MAX = 200


def _title(title):
    title = " ".join((title or "").split())
    if not title:
        raise EventError(_l("Judul materi wajib diisi."), "title")
    return title[:TITLE_MAX]


def add_file_material(item, title, stored, actor):
    """Record ``stored`` (``(Checked, stored_name)`` from ``uploads.Staged``) under ``item``."""
    title = _title(title)
    if stored is None:
        raise EventError(_l("Pilih berkas materi atau isi tautannya."), "file")
    checked, stored_name = stored
    material = Material(item_id=item.id, title=title, stored_name=stored_name,
                        original_name=checked.original_name, content_type=checked.content_type,
                        size=checked.size, sha256=checked.sha256,
                        uploaded_by_id=getattr(actor, "id", None))
    return _added(material, item, actor)


def add_link_material(item, title, url, actor):
    """Record an http(s) link as a material of ``item``."""
    title = _title(title)
    material = Material(item_id=item.id, title=title, url=uploads.validate_link(url, "url"),
                        uploaded_by_id=getattr(actor, "id", None))
    return _added(material, item, actor)


def _added(material, item, actor):
    db.session.add(material)
    db.session.flush()
    audit.record("bimtek_material_added", actor=actor, obj=item.day.event,
                 summary=f"{item.title}: {material.title}")
    return material


def delete_material(material, actor):
    """Delete a material; return the stored file's name to remove once committed (or None)."""
    audit.record("bimtek_material_deleted", actor=actor, obj=material.item.day.event,
                 summary=material.title)
    stored_name = material.stored_name
    db.session.delete(material)
    db.session.flush()
    return stored_name
