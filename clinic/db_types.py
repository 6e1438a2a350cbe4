"""Column types that behave the same on SQLite, PostgreSQL and MariaDB."""
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.dialects import mysql
from sqlalchemy.types import TypeDecorator


class Choices:
    """A column's closed set of string values, one upper-case class attribute each.

    ``ALL`` lists them in the order they are written; groups of them (tuples such as
    ``ACTIVE``) are not values and stay out of it.
    """

    ALL = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.ALL = tuple(value for name, value in vars(cls).items()
                        if name.isupper() and isinstance(value, str))


def utcnow():
    """Return the current instant, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Store instants as naive UTC and always hand back timezone-aware UTC values.

    SQLite and MariaDB keep no offset, so a plain ``DateTime(timezone=True)`` would come back
    naive there and aware on PostgreSQL; this type makes all three agree.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        # MariaDB's DATETIME drops fractions of a second unless asked to keep them.
        if dialect.name in {"mysql", "mariadb"}:
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)
