"""Create a fresh, empty test database on a server: python scripts/testdb.py URL.

Exits 0 after creating it. When the server cannot be reached it exits 1 under CI=true (an
unreachable database must fail CI, never skip it) and 3 otherwise, so `make` can say "skipped".
tests/conftest.py calls create_fresh() for each pytest-xdist worker's own database.
"""
import os
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def create_fresh(url):
    """Drop the database named in ``url`` if it exists and create it empty."""
    target = make_url(url)
    name = target.database
    # Connect to the server itself (PostgreSQL's maintenance database; no database on MariaDB).
    server = target.set(database="postgres" if target.get_backend_name() == "postgresql" else "")
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if target.get_backend_name() == "postgresql":
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(
                    f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
                conn.execute(text(f"CREATE DATABASE `{name}` "
                                  "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    finally:
        engine.dispose()


def main(url):
    target = make_url(url)
    try:
        create_fresh(url)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server, reported alike
        print(f"testdb: cannot prepare {target.render_as_string(hide_password=True)}: {exc}",
              file=sys.stderr)
        return 1 if os.environ.get("CI", "").lower() == "true" else 3
    print(f"testdb: fresh database {target.database} on {target.get_backend_name()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
