"""Views of the coaching blueprint, one module per page group; importing them registers them."""
from clinic.coaching.routes import calendar, closed_dates, notes, rsvp, sessions  # noqa: F401
