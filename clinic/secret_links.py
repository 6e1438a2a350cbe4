"""Links that grant access are made at send time, never stored in the outbox or shown.

A password reset, an invitation or an unsubscribe link is a placeholder in the stored body
(``secret_link(name)``); delivery asks the feature that owns the link for a fresh one
(``register_secret_link``), so nobody who can read the outbox, a backup or a log can use it.
"""
import re

from markupsafe import escape

_SECRET_LINK_MAKERS = {}
_PLACEHOLDER = re.compile(r"\[\[secret:([a-z_]+)\]\]")


class SecretLinkUnavailable(LookupError):
    """The link of an outbox row cannot be made any more (its user is gone or inactive)."""


def register_secret_link(name, maker):
    """Let delivery make the link ``name``: ``maker(notification)`` returns an absolute URL or None.

    A feature registers its makers when the application is built, so the base module
    never imports a feature.
    """
    _SECRET_LINK_MAKERS[name] = maker


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
