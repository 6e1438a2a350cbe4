"""Configuration classes read from environment variables (and an optional .env file)."""
import os
from datetime import time, timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")

DEV_SECRET_KEY = "dev-only-secret-key-change-me"


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    return int(os.environ.get(name, default))


def _office_hours(name, default):
    """Office hours "HH:MM-HH:MM" as a pair of times (scheduling warns outside them)."""
    start, end = os.environ.get(name, default).split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'clinic.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    CLINIC_TIMEZONE = os.environ.get("CLINIC_TIMEZONE", "Asia/Makassar")
    # Local office hours of Bappeda; sessions outside them get a warning, not a refusal.
    OFFICE_HOURS = _office_hours("CLINIC_OFFICE_HOURS", "08:00-16:00")
    # The scheduler's lock heartbeat; a lock older than 3 beats is taken over (SQLite).
    SCHEDULER_HEARTBEAT_SECONDS = _int("SCHEDULER_HEARTBEAT_SECONDS", 15)
    CLINIC_CITY = os.environ.get("CLINIC_CITY", "Kota Banjarmasin")
    CLINIC_AGENCY = os.environ.get("CLINIC_AGENCY", "Bappedalitbang Kota Banjarmasin")
    # The public address: every absolute link (e-mails, .ics files, the calendar feed shown on
    # pages) is built from it, inside a request or not. `make run` derives it from PORT.
    BASE_URL = (os.environ.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    SERVER_NAME = None

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = CLINIC_TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "clinic" / "translations")
    LANGUAGES = ("id", "en")

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(BASE_DIR / "instance" / "uploads"))
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)
    CSV_IMPORT_MAX_BYTES = 2 * 1024 * 1024

    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "KlinikInovasi-2026")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")  # empty: keep mail in the outbox
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Klinik Inovasi <klinik-inovasi@localhost>"
    )
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 20)  # seconds, connect and each read
    OUTBOX_BATCH_SIZE = _int("OUTBOX_BATCH_SIZE", 50)
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8)

    # Sessions: Flask-Login alternative tokens end every session on logout and password change.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_DURATION = timedelta(days=_int("REMEMBER_DAYS", 14))
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 60)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_ABSOLUTE_HOURS)

    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB
    ARGON2_PARALLELISM = 4
    PASSWORD_RESET_MAX_AGE = _int("PASSWORD_RESET_MAX_AGE", 2 * 3600)
    INVITATION_MAX_AGE = _int("INVITATION_MAX_AGE", 7 * 24 * 3600)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per 15 minutes")

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SCHEDULER_API_ENABLED = False
    # `make run` runs the scheduler inside the web process; production runs it on its own.
    EMBEDDED_SCHEDULER = _bool("CLINIC_EMBEDDED_SCHEDULER")
    PREFERRED_URL_SCHEME = "http"
    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = _int("PROXY_COUNT", 0)
    DEBUG = False
    TESTING = False
    ITEMS_PER_PAGE = 25


class DevelopmentConfig(Config):
    DEBUG = _bool("FLASK_DEBUG")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    MAIL_SERVER = ""
    RATELIMIT_STORAGE_URI = "memory://"
    BASE_URL = "http://localhost"
    # Cheap hashes keep the suite fast; the production cost is checked by its own test.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")

    @staticmethod
    def check(config):
        """Refuse to start with settings that are unsafe on a public server."""
        problems = []
        key = config.get("SECRET_KEY") or ""
        if len(key) < 32 or key in {DEV_SECRET_KEY, TestingConfig.SECRET_KEY}:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
        if config.get("DEBUG") or config.get("TESTING"):
            problems.append("DEBUG and TESTING must be off")
        if not config.get("SESSION_COOKIE_SECURE") or not config.get("REMEMBER_COOKIE_SECURE"):
            problems.append("SESSION_COOKIE_SECURE must be on (serve over HTTPS)")
        if config.get("SCHEDULER_API_ENABLED"):
            problems.append("SCHEDULER_API_ENABLED must be off")
        if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
            problems.append("RATELIMIT_STORAGE_URI must be shared storage (e.g. redis://), not memory://")
        if problems:
            raise RuntimeError("Unsafe production configuration: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
