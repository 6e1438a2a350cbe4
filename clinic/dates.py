"""Dates and times: UTC in the database, the viewer's zone (WITA by default) on screen."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, format_time, get_timezone

# The zones of Indonesia with the abbreviations used in the country.
INDONESIAN_ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
TIMEZONE_CHOICES = tuple(INDONESIAN_ZONES)
LONG_DATE = "EEEE, d MMMM y"


def default_zone():
    return ZoneInfo(current_app.config["CLINIC_TIMEZONE"])


def zone_label(tz):
    key = getattr(tz, "key", str(tz))
    return INDONESIAN_ZONES.get(key, key)


def local(dt, tz=None):
    """Convert an aware instant to the viewer's zone."""
    return dt.astimezone(ZoneInfo(str(tz or get_timezone())))


def _fmt_day(value, tz, pattern):
    """The day of ``value`` (an instant is read in ``tz``) in the user's language, or ''."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value, tz).date()
    return format_date(value, pattern)


def fmt_date(value, tz=None):
    """'Selasa, 17 Juli 2024' in the user's language."""
    return _fmt_day(value, tz, LONG_DATE)


def fmt_date_short(value, tz=None):
    """'17 Jul 2024'."""
    return _fmt_day(value, tz, "d MMM y")


def fmt_datetime(value, tz=None):
    """'Selasa, 17 Juli 2024 09.00 WITA' (the zone always named)."""
    if value is None:
        return ""
    zone = ZoneInfo(str(tz or get_timezone()))
    moment = value.astimezone(zone)
    clock = format_time(moment.time(), "short", rebase=False)
    return f"{format_date(moment.date(), LONG_DATE)} {clock} {zone_label(zone)}"


def today_local(tz=None):
    return datetime.now(ZoneInfo(str(tz or current_app.config["CLINIC_TIMEZONE"]))).date()


def is_date(value):
    return isinstance(value, date) and not isinstance(value, datetime)
