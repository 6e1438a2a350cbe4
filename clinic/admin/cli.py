"""CLI of the admin feature (placeholder)."""


def register(app):
    pass
