"""Views of the reporting blueprint, one module per page group; importing them registers them."""
from clinic.reporting.routes import innovations, items, review, score  # noqa: F401
