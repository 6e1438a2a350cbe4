"""(stub: being written)"""
from clinic.followups import bp  # noqa: F401
