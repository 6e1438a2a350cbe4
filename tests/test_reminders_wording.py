"""Counted words go through ngettext: an English reader gets "1 day", "3 days", never "1 days".

The mail planner, the outbox and their templates are scanned the way `make extract-messages`
reads them; a singular-only message that puts a number before a counted noun fails.
"""
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
FILES = [
    *sorted((ROOT / "clinic" / "reminders").rglob("*.py")),
    *sorted((ROOT / "clinic" / "outbox").rglob("*.py")),
    *(ROOT / "templates" / "email" / f"{kind}.{ext}"
      for kind in ("digest", "deadline_countdown", "escalation", "monday_summary",
                   "session_reminder", "_unsubscribe", "_footer", "_layout")
      for ext in ("txt", "html") if (ROOT / "templates" / "email" / f"{kind}.{ext}").exists()),
    *sorted((ROOT / "templates" / "outbox").glob("*.html")),
    *sorted((ROOT / "templates" / "reminders").glob("*.html")),
]
# A number placeholder directly before a noun that takes a plural in English.
COUNTED = re.compile(r"%\(\w+\)[sd] (hari|butir|hal|tindak lanjut|kali|e-mail|pesan|sesi|"
                     r"inovasi|jam|menit|detik|minggu|Perangkat Daerah)\b")


def _messages(path):
    method = "python" if path.suffix == ".py" else babel_extract
    options = {} if path.suffix == ".py" else {"trimmed": "false"}
    return extract_from_file(method, str(path), keywords=KEYWORDS, options=options)


def test_counted_messages_use_ngettext():
    singular_only = []
    for path in FILES:
        for lineno, message, _comments, _context in _messages(path):
            if isinstance(message, str) and COUNTED.search(message):
                singular_only.append(f"{path.relative_to(ROOT)}:{lineno}: {message}")
    assert singular_only == []


def test_the_scan_sees_plural_messages():
    """The scan reads what it should: the digest's counted messages are plural entries."""
    found = [message for lineno, message, _c, _x in _messages(
        ROOT / "templates" / "email" / "digest.txt") if not isinstance(message, str)]
    assert any("hal perlu ditindaklanjuti" in message[0] for message in found)
