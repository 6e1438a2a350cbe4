"""The databases of a run: the demo city at each scale, on SQLite and PostgreSQL.

Every run starts from fresh databases: the SQLite file and its upload folder are deleted, the
PostgreSQL database ``clinic_bench_<scale>`` is dropped and created again (and left behind
afterwards for inspection). ``flask db upgrade`` and ``flask seed-demo --scale N`` fill them;
the seed is timed.
"""
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from scripts.testdb import create_fresh

# Settings a developer's shell or .env might carry that must not leak into the measurement.
SCRUBBED = ("FLASK_DEBUG", "FLASK_APP", "CLINIC_EMBEDDED_SCHEDULER", "BENCH_QUERY_COUNT",
            "MAIL_SERVER", "MAIL_PORT", "DATABASE_URL", "UPLOAD_FOLDER")


@dataclass(frozen=True)
class Target:
    """One database to measure: a backend at a demo scale."""

    backend: str
    scale: int
    url: str
    uploads: Path
    log: Path

    @property
    def name(self):
        return f"{self.backend}-{self.scale}x"


def targets(settings):
    """The targets of the run, backend by backend, scale by scale."""
    work = settings.work_dir
    found = []
    for backend in settings.backends:
        for scale in settings.scales:
            name = f"{backend}-{scale}x"
            url = (f"sqlite:///{work / f'{name}.sqlite'}" if backend == "sqlite"
                   else f"{settings.pg_server}/clinic_bench_{scale}")
            found.append(Target(backend, scale, url, work / f"uploads-{name}",
                                work / "logs" / f"{name}.log"))
    return found


def app_env(target, **extra):
    """The environment of a flask command or gunicorn server serving ``target``."""
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(CLINIC_CONFIG="development", DATABASE_URL=target.url,
               UPLOAD_FOLDER=str(target.uploads), MAIL_SERVER="")
    env.update({key: str(value) for key, value in extra.items()})
    return env


def flask(settings, target, *args, capture=False):
    """Run ``flask --app wsgi ARGS`` for ``target``; return (seconds, stdout)."""
    target.log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(target.log, "a", encoding="utf-8") as log:
        log.write(f"\n$ flask --app wsgi {' '.join(args)}\n")
        log.flush()
        done = subprocess.run([settings.tool("flask"), "--app", "wsgi", *args],
                              cwd=settings.app_dir, env=app_env(target), text=True,
                              stdout=subprocess.PIPE if capture else log, stderr=log)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed for {target.name} "
                           f"(exit {done.returncode}); see {target.log}")
    return seconds, done.stdout or ""


def _empty(target):
    """Delete (SQLite) or drop and create (PostgreSQL) the target's database."""
    shutil.rmtree(target.uploads, ignore_errors=True)
    target.uploads.mkdir(parents=True)
    if target.backend == "sqlite":
        path = Path(target.url.removeprefix("sqlite:///"))
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            leftover.unlink(missing_ok=True)
    else:
        create_fresh(target.url)


def prepare(settings, target):
    """A fresh, migrated, seeded database for ``target``; the seconds each step took."""
    target.log.parent.mkdir(parents=True, exist_ok=True)
    target.log.write_text(f"bench log of {target.name}\n", encoding="utf-8")
    _empty(target)
    upgrade, _ = flask(settings, target, "db", "upgrade")
    seed, output = flask(settings, target, "seed-demo", "--scale", str(target.scale),
                         capture=True)
    return {"upgrade_seconds": round(upgrade, 2), "seed_seconds": round(seed, 2),
            "seed_summary": output.strip().splitlines()[-1] if output.strip() else ""}


def sizes(target):
    """Rows of the main tables, to show what a scale means."""
    engine = create_engine(target.url)
    try:
        with engine.connect() as conn:
            return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    for table in ("skpds", "users", "innovations", "report_items", "evidence",
                                  "coaching_sessions", "followup_tasks", "notifications")}
    finally:
        engine.dispose()
