"""Create a fresh, empty test database on a server: python scripts/testdb.py URL.

Exits 0 after creating it. When the server cannot be reached it exits 1 under CI=true (an
unreachable database must fail CI, never skip it) and 3 otherwise, so `make` can say "skipped".
"""
import os
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def main(url):
    target = make_url(url)
    name = target.database
    # Connect to the server itself (PostgreSQL's maintenance database; no database on MariaDB).
    server = target.set(database="postgres" if target.get_backend_name() == "postgresql" else "")
    try:
        engine = create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            if target.get_backend_name() == "postgresql":
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
                conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server is reported the same way
        print(f"testdb: cannot prepare {target.render_as_string(hide_password=True)}: {exc}",
              file=sys.stderr)
        return 1 if os.environ.get("CI", "").lower() == "true" else 3
    print(f"testdb: fresh database {name} on {target.get_backend_name()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
