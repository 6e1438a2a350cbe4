"""Stored uploads: random names outside static/, written atomically, served as attachments."""
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import abort, current_app, send_file
from werkzeug.http import dump_options_header

from clinic.uploads.kinds import CHUNK, INLINE_KINDS, KINDS, display_name

STORED_NAME = re.compile(
    r"[0-9a-f]{32}(?:%s)" % "|".join(re.escape(kind.extension) for kind in KINDS.values())
)


def store(checked, folder):
    """Write a checked upload into folder under a new random name and return that name."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    target = path_of(secrets.token_hex(16) + checked.extension, root)
    # The temporary name never matches STORED_NAME, so a half-written file can never be served.
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            checked.body.seek(0)
            shutil.copyfileobj(checked.body, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    # Without syncing the directory a crash could forget the rename while the DB row survives.
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target.name


def path_of(stored_name, folder):
    """Return the path of a stored file, refusing any name this module did not generate."""
    if not isinstance(stored_name, str) or not STORED_NAME.fullmatch(stored_name):
        raise ValueError("not a stored upload name")
    root = Path(folder).resolve()
    path = (root / stored_name).resolve()
    if path.parent != root:
        raise ValueError("stored upload outside its folder")
    return path


def remove_stored(stored_name, folder):
    """Delete a stored file; one already gone is not an error."""
    path_of(stored_name, folder).unlink(missing_ok=True)


DOWNLOAD_CSP = ("sandbox; default-src 'none'; object-src 'none'; base-uri 'none'; "
                "frame-ancestors 'none'")
# Shown in a frame of our own pages: the same sandbox, framed by this site only. Chromium's PDF
# viewer renders under it (tests/browser/test_evidence_inline.py checks that).
INLINE_CSP = ("sandbox; default-src 'none'; object-src 'none'; base-uri 'none'; "
              "frame-ancestors 'self'")


def stored_kind(stored_name):
    """The kind sniffed when the file was stored (its generated extension), or None."""
    suffix = os.path.splitext(stored_name or "")[1]
    return next((name for name, spec in KINDS.items() if spec.extension == suffix), None)


def can_show_inline(stored_name, content_type):
    """Whether a stored file may open in the page: a PDF or an image by its sniffed kind, with
    a row that agrees (send_stored serves any other file as a download)."""
    kind = stored_kind(stored_name)
    return kind in INLINE_KINDS and content_type == KINDS[kind].content_type


def send_stored(stored_name, folder, original_name, content_type, inline=False):
    """Answer with a stored file, or 404: a download no browser will render, or with
    ``inline`` a PDF or image shown in the page (any other kind is still a download)."""
    try:
        path = path_of(stored_name, folder)
    except ValueError:
        abort(404)
    if not path.is_file():
        current_app.logger.warning("stored upload missing: %s", stored_name)
        abort(404)
    kind = stored_kind(path.name)
    name = display_name(original_name, kind)
    # The type the content was sniffed as when stored (its generated extension); a row that
    # disagrees gets plain bytes, and only a sniffed PDF or image is ever shown inline.
    mimetype = KINDS[kind].content_type
    if content_type != mimetype:
        current_app.logger.warning("stored upload %s: row says %s", stored_name, content_type)
        mimetype, inline = "application/octet-stream", False
    inline = inline and kind in INLINE_KINDS
    response = send_file(path, mimetype=mimetype, as_attachment=not inline, download_name=name,
                         conditional=False, etag=False)
    # send_file gives filename* only for non-ASCII names; always send both forms.
    stem, suffix = os.path.splitext(name)
    fallback = re.sub(r"[^A-Za-z0-9._()-]+", "_",
                      unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode())
    response.headers["Content-Disposition"] = dump_options_header(
        "inline" if inline else "attachment", {
            "filename": (fallback.strip("._") or "berkas") + suffix,
            "filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~"),
        })
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = INLINE_CSP if inline else DOWNLOAD_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if inline else "DENY"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
