"""Keep tokens out of logs: a URL of a route with a ``<token>`` is logged with the token cut.

The request lines of the development server (werkzeug) and gunicorn's access log, and every
record of the application's own handlers, pass through one filter built from the URL map, so a
route added later with a ``<token>`` argument is covered without a list to keep up to date.
"""
import logging
import re

REDACTED = "[redacted]"
# Records logged on these loggers themselves; the application's own go through the handlers.
SERVER_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def token_patterns(url_map):
    """One regex per rule with a ``token`` argument; group 1 is the token in a path, also
    when the path travels percent-encoded in a query (``/login?next=%2Fbimtek%2Fhadir%2F...``
    after a link opened before logging in)."""
    patterns = []
    for rule in url_map.iter_rules():
        if "token" not in rule.arguments:
            continue
        regex = ""
        for piece in re.split(r"(<[^>]+>)", rule.rule):
            if not (piece.startswith("<") and piece.endswith(">")):
                regex += re.escape(piece).replace("/", "(?:/|%2[Ff])")
            elif piece[1:-1].split(":")[-1] == "token":
                regex += r"([^/?#&%\s\"'<>]+?)"
            else:
                regex += r"[^/?#\s\"'<>]+"
        patterns.append(re.compile(regex + r"(?=[?#&\s\"'<>]|$)"))
    return patterns


def redact(text, patterns):
    """``text`` with the token of every matching path replaced by ``[redacted]``."""
    for pattern in patterns:
        text = pattern.sub(
            lambda m: m.group(0)[:m.start(1) - m.start()] + REDACTED
            + m.group(0)[m.end(1) - m.start():], text)
    return text


class RedactTokens(logging.Filter):
    """Rewrite a record's message with its tokens cut (the record is then logged as usual)."""

    def __init__(self, patterns):
        super().__init__()
        self.patterns = patterns

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message, self.patterns)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def init_app(app):
    """Install the filter on the servers' loggers and on every handler of the app's records."""
    token_filter = RedactTokens(token_patterns(app.url_map))
    app.extensions["log_redaction"] = token_filter
    for name in SERVER_LOGGERS:
        _replace_filter(logging.getLogger(name), token_filter)
    for handler in logging.getLogger().handlers + app.logger.handlers:
        _replace_filter(handler, token_filter)


def _replace_filter(target, token_filter):
    # One filter per logger or handler, also when tests build many applications.
    for old in [f for f in target.filters if isinstance(f, RedactTokens)]:
        target.removeFilter(old)
    target.addFilter(token_filter)
