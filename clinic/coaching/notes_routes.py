"""(stub: being written)"""
from clinic.coaching import bp  # noqa: F401
