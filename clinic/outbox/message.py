"""The MIME message of an outbox row: its secret links made now, its headers written right."""
from base64 import b64decode

from flask import current_app
from flask_mail import BadHeaderError, Message

from clinic.secret_links import fill_secret_links


class ListHeader:
    """A List-* header (RFC 2369) written as plain ASCII and folded between its "<...>" parts.

    The email package would otherwise RFC 2047-encode a value longer than a line (a link with
    a real token is), which no mail client can use as a link. A header object with ``name``
    and ``fold()`` is written by the package as it folds it here.
    """

    def __init__(self, name, *parts):
        value = ", ".join(parts)
        if not value.isascii() or any(c in value for c in "\r\n") or len(value) > 900:
            raise BadHeaderError(f"{name} must be one line of ASCII")
        self.name, self.parts, self.value = name, parts, value

    def fold(self, *, policy):
        line = f"{self.name}: {self.value}"
        if len(line) <= (policy.max_line_length or len(line)):
            return line + policy.linesep
        # Folded between links, each link whole on its line: a line may exceed 78 characters
        # (RFC 5322 allows 998), a link broken by whitespace or an empty first line is
        # something clients misread.
        sep = "," + policy.linesep + " "
        return f"{self.name}: " + sep.join(self.parts) + policy.linesep

    def __str__(self):
        return self.value


class OutboxMessage(Message):
    """Flask-Mail's message with the subject left to the email package.

    Flask-Mail RFC 2047-encodes a non-ASCII subject itself; the package then refolds that
    text and splits a word between plain and encoded parts, which readers show with a space
    inside it ("09.0 0–11.00 WITA"). Set as text, the package encodes and folds it whole.
    """

    def _message(self):
        mime = super()._message()
        if self.subject:
            del mime["Subject"]
            mime["Subject"] = self.subject
        return mime


def build_message(row):
    """The message of an outbox row, its secret links made now (they are never stored)."""
    body_text, body_html, links = fill_secret_links(row)
    msg = OutboxMessage(
        subject=row.subject,
        recipients=[row.to_email],
        cc=[a.strip() for a in (row.cc or "").split(",") if a.strip()],
        body=body_text,
        html=body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    if "unsubscribe" in links:
        # RFC 2369 / RFC 8058: mail clients offer a one-click unsubscribe button.
        msg.extra_headers = {
            "List-Unsubscribe": ListHeader("List-Unsubscribe", f"<{links['unsubscribe']}>"),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    for attachment in row.attachments or ():
        data = attachment["data"]
        data = b64decode(data) if attachment.get("base64") else data.encode("utf-8")
        msg.attach(attachment["filename"], attachment["content_type"], data)
    # Keep the id written with the row, so a re-send after a crash is recognisably the same mail.
    msg.msgId = row.message_id
    return msg
