"""The settings of one benchmark run, read from environment variables.

| variable | default | meaning |
|---|---|---|
| ``BENCH_SECONDS`` | 6 | duration of each wrk run |
| ``BENCH_DBS`` | ``sqlite,postgresql`` | the database backends to measure |
| ``BENCH_SCALES`` | ``1,10`` | the demo scales to measure (``seed-demo --scale N``) |
| ``BENCH_PG_SERVER`` | ``postgresql+psycopg://postgres@127.0.0.1:5432`` | PostgreSQL server |
| ``BENCH_MAILS`` | 200 | mails queued for the delivery measurement |
| ``BENCH_APP_DIR`` | the project root | the checkout to serve (e.g. a clean ``git worktree``) |
| ``DEMO_PASSWORD`` | ``KlinikInovasi-2026`` | password of the demo accounts |
"""
import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = REPO / "bench"
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Settings:
    """What one run measures and where it keeps its files."""

    seconds: int
    backends: tuple
    scales: tuple
    pg_server: str
    mails: int
    app_dir: Path
    password: str
    threads: int = 2
    connections: int = 16
    workers: int = 2

    @property
    def work_dir(self):
        """Databases, upload folders and server logs of the run (not committed)."""
        return RESULTS_DIR / "work"

    @property
    def python(self):
        """The project's virtualenv Python (the one running this script)."""
        return Path(sys.executable)

    def tool(self, name):
        """A console script of the virtualenv, e.g. ``gunicorn`` or ``flask``."""
        return str(Path(sys.executable).parent / name)


def _list(name, default, allowed=None, convert=str):
    raw = os.environ.get(name, "").strip() or default
    values = tuple(convert(part.strip()) for part in raw.split(",") if part.strip())
    if allowed is not None and not set(values) <= set(allowed):
        raise SystemExit(f"bench: {name}={raw!r}: use a comma-separated list of {allowed}")
    return values


def load():
    """The settings from the environment; a bad value stops the run with a clear message."""
    seconds = int(os.environ.get("BENCH_SECONDS", "6"))
    if seconds < 1:
        raise SystemExit("bench: BENCH_SECONDS must be at least 1")
    return Settings(
        seconds=seconds,
        backends=_list("BENCH_DBS", ",".join(BACKENDS), BACKENDS),
        scales=_list("BENCH_SCALES", "1,10", convert=int),
        pg_server=os.environ.get("BENCH_PG_SERVER",
                                 "postgresql+psycopg://postgres@127.0.0.1:5432").rstrip("/"),
        mails=int(os.environ.get("BENCH_MAILS", "200")),
        app_dir=Path(os.environ.get("BENCH_APP_DIR", str(REPO))).resolve(),
        password=os.environ.get("DEMO_PASSWORD", "KlinikInovasi-2026"),
    )
