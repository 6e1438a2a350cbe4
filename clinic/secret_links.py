"""Links that grant access are made at send time, never stored in the outbox or shown.

A password reset, an invitation or an unsubscribe link is a placeholder in the stored body
(``secret_link(name)``); delivery asks the feature that owns the link for a fresh one
(``register_secret_link``), so nobody who can read the outbox, a backup or a log can use it.
"""
import re

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import escape

_SECRET_LINK_MAKERS = {}
_NARROW_LINKS = set()  # links that only act on one thing (unsubscribe, answer an invitation)
_PLACEHOLDER = re.compile(r"\[\[secret:([a-z_]+)\]\]")


class SecretLinkUnavailable(LookupError):
    """The link of an outbox row cannot be made any more (its user is gone or inactive)."""


def register_secret_link(name, maker, *, opens_account=True):
    """Let delivery make the link ``name``: ``maker(notification)`` returns an absolute URL or None.

    A feature registers its makers when the application is built, so the base module
    never imports a feature. ``opens_account=False`` for a link that only does one narrow
    thing for its holder (unsubscribe from a kind of mail, answer an invitation): a mail with
    only such links may be resent or cancelled by the outbox's staff like any other.
    """
    _SECRET_LINK_MAKERS[name] = maker
    if not opens_account:
        _NARROW_LINKS.add(name)


def opens_account(names):
    """Whether any of the links ``names`` lets its holder into the recipient's account (a link
    nobody registered counts as one: the safe side)."""
    return bool(set(names) - _NARROW_LINKS)


def sign(salt, **ids):
    """A signed, URL-safe token of the integer ``ids`` (``salt`` names its purpose)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).dumps(ids)


def unsign(salt, token, *names, extra=()):
    """The dict a valid token of ``salt`` carries when ``names`` are integers in it (and the
    ``extra`` keys present), else None: a forged, cut or foreign token is simply unknown."""
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in names):
        return None
    return data if all(k in data for k in extra) else None


def secret_link(name):
    """The placeholder of the secret link ``name``, to put in an e-mail's context as the link."""
    return f"[[secret:{name}]]"


def describe_secret_links(text, label):
    """``text`` with each placeholder shown as ``label`` (the outbox page names what is added)."""
    return _PLACEHOLDER.sub(label, text) if text else text


def fill_secret_links(row):
    """The row's bodies with every declared placeholder replaced by a fresh link, and the links.

    Only the links declared when the row was written are made: a placeholder typed into some
    user's text elsewhere stays as it is. Raises SecretLinkUnavailable when a maker gives None.
    """
    links = {}
    for name in sorted(row.links):
        maker = _SECRET_LINK_MAKERS.get(name)
        url = maker(row) if maker else None
        if not url:
            raise SecretLinkUnavailable(name)
        links[name] = url

    def fill(text, html):
        def link(match):
            url = links.get(match.group(1))
            if url is None:
                return match.group(0)
            return str(escape(url)) if html else url

        return _PLACEHOLDER.sub(link, text) if text else text

    return fill(row.body_text, False), fill(row.body_html, True), links
