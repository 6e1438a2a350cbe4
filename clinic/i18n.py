"""Language and time zone of the current viewer."""
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_translations
from flask_login import current_user

MEMO = "_clinic_translations"


def select_locale():
    if not has_request_context():  # CLI and scheduler: force_locale() or the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    if has_request_context() and current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["CLINIC_TIMEZONE"]


def client_ip():
    """The client's address (ProxyFix has already applied trusted X-Forwarded-For)."""
    return request.remote_addr if request else None


def translations():
    """The current translations, looked up once per locale per request.

    Flask-Babel resolves the context, the domain and the locale through several proxies on
    every call, which was a third of the rendering of a page with many labels. The memo is keyed
    by the locale object Flask-Babel holds for the context, so ``force_locale()`` (an e-mail in
    the recipient's language) and ``refresh()`` still switch languages.
    """
    if not has_app_context():
        return get_translations()
    state = g.get("_flask_babel")  # Flask-Babel's namespace for the current context
    locale = getattr(state, "babel_locale", None)
    memo = g.get(MEMO)
    if locale is not None and memo is not None and memo[0] is locale:
        return memo[1]
    found = get_translations()
    setattr(g, MEMO, (getattr(g.get("_flask_babel"), "babel_locale", None), found))
    return found


def init_app(app):
    """Templates translate through ``translations()`` (the same calls Flask-Babel installs)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
