"""Refusals of the admin rules: a change refused, or an account the actor may not touch."""
from clinic.errors import DomainError


class AdminError(DomainError):
    """A refused change to a work unit or an account."""


class NotAllowed(AdminError):
    """The actor may not touch this account at all (the web answers 403)."""
