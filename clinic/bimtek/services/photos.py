"""Photo documentation of an event (JPEG or PNG, stored like evidence), for the pack."""
from flask_babel import lazy_gettext as _l

from clinic import audit
from clinic.bimtek.models import EventPhoto
from clinic.bimtek.services.events import EventError
from clinic.extensions import db

PHOTO_KINDS = ("jpeg", "png")
CAPTION_MAX = 200


def add_photos(event, stored, caption, actor):
    """Record each of ``stored`` (``[(Checked, stored_name)]``) with the same caption."""
    if not stored:
        raise EventError(_l("Pilih foto JPG atau PNG untuk diunggah."), "photos")
    caption = " ".join((caption or "").split())[:CAPTION_MAX] or None
    photos = [EventPhoto(event_id=event.id, caption=caption, stored_name=stored_name,
                         original_name=checked.original_name, content_type=checked.content_type,
                         size=checked.size, sha256=checked.sha256,
                         uploaded_by_id=getattr(actor, "id", None))
              for checked, stored_name in stored]
    db.session.add_all(photos)
    db.session.flush()
    audit.record("bimtek_photos_added", actor=actor, obj=event, summary=str(len(photos)))
    return photos


def delete_photo(photo, actor):
    """Delete a photo; return the stored file's name to remove once committed."""
    audit.record("bimtek_photo_deleted", actor=actor, object_type="bimtek_events",
                 object_id=photo.event_id, summary=photo.caption or photo.original_name)
    stored_name = photo.stored_name
    db.session.delete(photo)
    db.session.flush()
    return stored_name
