"""Language and time zone of the current viewer."""
from flask import current_app, has_request_context, request, session
from flask_login import current_user


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
