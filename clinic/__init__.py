"""Klinik Inovasi: coaching clinics and IID reporting for a city's planning agency."""
import logging

from flask import Flask
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, ProductionConfig


def create_app(config_class=None, overrides=None):
    """Build the application from a config class (or its name) plus optional overrides."""
    import os

    if config_class is None:
        config_class = os.environ.get("CLINIC_CONFIG", "development")
    if isinstance(config_class, str):
        config_class = CONFIGS[config_class]
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance"))
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    if issubclass(config_class, ProductionConfig):
        ProductionConfig.check(app.config)
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    os.makedirs(app.instance_path, exist_ok=True)

    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    # Every model is imported by now: configure the mappers at start, so a mapping error stops
    # the boot and no first request or command pays for it (about 0.4 s).
    configure_mappers()
    from clinic import i18n, log_redaction, web

    i18n.init_app(app)
    web.init_app(app)
    log_redaction.init_app(app)
    from clinic.reminders.scheduler import start_embedded

    start_embedded(app)
    return app


def register_logging(app):
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
        logging.getLogger("apscheduler.scheduler").setLevel(logging.WARNING)


def register_extensions(app):
    from clinic.auth import session as auth_session
    from clinic.extensions import babel, bootstrap, csrf, db, limiter, login_manager, mail, migrate
    from clinic.i18n import select_locale, select_timezone

    # Import every model module so that metadata (and Alembic) knows all tables.
    from clinic import models  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    bootstrap.init_app(app)
    app.config.setdefault("BOOTSTRAP_SERVE_LOCAL", True)
    app.config["BOOTSTRAP_SERVE_LOCAL"] = True
    limiter.init_app(app)
    auth_session.init_app(app, login_manager)


def register_blueprints(app):
    from clinic.ids import BoundedIntConverter

    # Before any rule is added: each rule picks its converters when it is added.
    app.url_map.converters["int"] = BoundedIntConverter
    from clinic.admin import bp as admin_bp
    from clinic.auth import bp as auth_bp
    from clinic.bimtek import bp as bimtek_bp
    from clinic.catalogue import bp as catalogue_bp
    from clinic.coaching import bp as coaching_bp
    from clinic.followups import bp as followups_bp
    from clinic.main import bp as main_bp
    from clinic.outbox import bp as outbox_bp
    from clinic.reminders import bp as reminders_bp, unsubscribe_bp
    from clinic.reporting import bp as reporting_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(catalogue_bp, url_prefix="/admin/cycles")
    app.register_blueprint(outbox_bp, url_prefix="/admin/outbox")
    app.register_blueprint(reminders_bp, url_prefix="/admin/outbox")
    app.register_blueprint(reporting_bp)
    app.register_blueprint(coaching_bp, url_prefix="/coaching")
    app.register_blueprint(bimtek_bp, url_prefix="/bimtek")
    app.register_blueprint(followups_bp, url_prefix="/tindak-lanjut")
    app.register_blueprint(unsubscribe_bp, url_prefix="/berhenti-langganan")


def register_errorhandlers(app):
    from clinic.errors import init_app

    init_app(app)


def register_commands(app):
    from clinic.admin.cli import register as admin_cli
    from clinic.catalogue.cli import register as catalogue_cli
    from clinic.demo.cli import register as demo_cli
    from clinic.outbox.cli import register as outbox_cli
    from clinic.reminders.cli import register as reminders_cli
    from clinic.reporting.cli import register as reporting_cli

    admin_cli(app)
    catalogue_cli(app)
    outbox_cli(app)
    reminders_cli(app)
    reporting_cli(app)
    demo_cli(app)
