"""Link checks: a link given instead of a file is an http(s) address in normal form."""
import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

from flask_babel import lazy_gettext as _l

from clinic.uploads.kinds import UploadRejected

LINK_MAX = 1000
# A DNS name (after IDNA) or an IPv6 literal; anything else in the host is a trick or a typo.
HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|[0-9a-f:.]*:[0-9a-f:.]*")


def validate_link(url, field=None):
    """Return an http(s) link in normal form, or raise UploadRejected (about form ``field``)."""
    try:
        return _normal_link(url)
    except UploadRejected as exc:
        exc.field = field
        raise


def _normal_link(url):
    url = (url or "").strip()
    if not url:
        raise UploadRejected(_l("Tautan kosong. Tempel alamat lengkap, misalnya "
                                "https://www.youtube.com/watch?v=…"))
    too_long = UploadRejected(_l("Tautan terlalu panjang: maksimal %(limit)s karakter.",
                                 limit=LINK_MAX))
    if len(url) > LINK_MAX:
        raise too_long
    invalid = UploadRejected(_l("Tautan ditolak: alamat tidak valid. Salin alamat lengkap dari "
                                "bilah alamat peramban, misalnya "
                                "https://www.youtube.com/watch?v=…"))
    # Browsers read "\" as "/" and drop control characters: the link could lead elsewhere.
    if "\\" in url or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in url):
        raise invalid
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise UploadRejected(_l("Tautan ditolak: alamat harus diawali https:// atau http://."))
    if "@" in parts.netloc:
        raise UploadRejected(_l("Tautan ditolak: alamat tidak boleh memuat nama pengguna atau "
                                "kata sandi."))
    try:
        host, port = parts.hostname, parts.port
        host = host.encode("idna").decode("ascii") if host else ""
    except (ValueError, UnicodeError):
        raise invalid from None
    if not HOST.fullmatch(host):
        raise invalid
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port is not None else "")
    safe = "!$%&'()*+,/:;=?@~"
    link = urlunsplit((parts.scheme.lower(), netloc, quote(parts.path, safe=safe),
                       quote(parts.query, safe=safe), quote(parts.fragment, safe=safe)))
    if len(link) > LINK_MAX:  # percent-encoding can lengthen it
        raise too_long
    return link
