"""One target (a backend at a scale): seed, count queries, drive every page, time the CLI."""
import json
import os
import re
import subprocess

from scripts.bench import client, load
from scripts.bench.databases import app_env, flask, prepare, sizes
from scripts.bench.pages import PAGES, email_of, find_ids, path_of
from scripts.bench.servers import Gunicorn
from scripts.bench.settings import BENCH_DIR

TOKEN = re.compile(r"(/coaching/feed/)[^/]+(\.ics)")


def say(message):
    print(f"bench: {message}", flush=True)


def app_server(settings, target, **extra_env):
    """The app served as deployed (``gunicorn wsgi:app``), without the scheduler."""
    extra = ["-c", str(BENCH_DIR / "gunicorn_count.py")] if extra_env else []
    return Gunicorn("wsgi:app", settings.app_dir, app_env(target, **extra_env), target.log,
                    workers=settings.workers, extra=extra)


def hello_server(settings):
    """The hello world baseline with the same gunicorn settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "BENCH_"))}
    return Gunicorn("hello:app", settings.work_dir, env, settings.work_dir / "logs" / "hello.log",
                    workers=settings.workers, extra=["--pythonpath", str(BENCH_DIR)])


def measure_hello(settings):
    """req/s and latency of hello world, measured now (the machine's state of the moment)."""
    with hello_server(settings) as server:
        server.start(settings.tool("gunicorn"))
        figures = load.run(server.base + "/", settings, log=server.log)
    figures["problem"] = load.problem(figures)
    return figures


def _logins(settings, base, ids):
    """One logged-in browser per role (the login form is throttled: log in once)."""
    roles = {page.role for page in PAGES if page.role != "feed"}
    return {role: client.login(base, email_of(role, ids), settings.password) for role in roles}


def _cookie(browsers, page):
    return browsers[page.role].cookie_header() if page.role in browsers else None


def count_queries(settings, target, ids):
    """X-Query-Count of one request per page, and the contact's calendar feed path."""
    with app_server(settings, target, BENCH_QUERY_COUNT=1) as server:
        server.start(settings.tool("gunicorn"))
        browsers = _logins(settings, server.base, ids)
        ids["feed_path"] = client.feed_path(browsers["contact"])
        return {page.key: client.probe(server.base, path_of(page, ids), _cookie(browsers, page))
                for page in PAGES}


def _page_record(page, ids, probe, counted, figures, hello_rps):
    problem = load.problem(figures, probe)
    if counted["status"] != 200 and not problem:
        problem = f"answered HTTP {counted['status']} on the query-count server"
    return {"key": page.key, "role": page.role, "label": page.label,
            "shown_path": TOKEN.sub(r"\1<token>\2", path_of(page, ids)),
            "status": probe["status"], "queries": counted["queries"],
            "first_request_s": probe["seconds"], **figures,
            "share_pct": round(100 * figures["rps"] / hello_rps, 1) if hello_rps else None,
            "problem": problem}


def drive_pages(settings, target, ids, counts, hello_rps):
    """wrk on every page; the page records, the workers' peak RSS (MiB) and restarts."""
    records, restarts = [], 0
    with app_server(settings, target) as server:
        server.start(settings.tool("gunicorn"))
        browsers = _logins(settings, server.base, ids)
        for page in PAGES:
            path, cookie = path_of(page, ids), _cookie(browsers, page)
            probe = client.probe(server.base, path, cookie)
            figures = load.run(server.base + path, settings, cookie, log=target.log)
            records.append(_page_record(page, ids, probe, counts[page.key], figures, hello_rps))
            say(f"  {target.name} {page.key}: {figures['rps']} req/s, p99 {figures['p99_ms']} "
                f"ms, {counts[page.key]['queries']} queries"
                + (f"  ERROR {records[-1]['problem']}" if records[-1]["problem"] else ""))
            server.note_rss()
            restarts += server.drain()
        rss = server.note_rss()
    return records, round(rss / 1024, 1), restarts


def run_inprocess(settings, target):
    """Score, reminder pass and mail delivery timed in one process (inprocess.py)."""
    with open(target.log, "a", encoding="utf-8") as log:
        done = subprocess.run([str(settings.python), str(BENCH_DIR / "inprocess.py"),
                               str(settings.mails)], cwd=settings.app_dir, env=app_env(target),
                              stdout=subprocess.PIPE, stderr=log, text=True, timeout=1800)
    line = next((l for l in done.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"in-process timings failed (exit {done.returncode}); see {target.log}")
    return json.loads(line.removeprefix("BENCH_JSON "))


def cli_times(settings, target):
    """Wall time of ``flask score`` and ``flask score --json`` (interpreter and app included)."""
    score, _ = flask(settings, target, "score", capture=True)
    as_json, _ = flask(settings, target, "score", "--json", capture=True)
    return {"score_s": round(score, 3), "score_json_s": round(as_json, 3)}


def measure_target(settings, target):
    """Everything about one target; an ``error`` instead of figures when a step failed."""
    record = {"name": target.name, "backend": target.backend, "scale": target.scale,
              "load_before": os.getloadavg()[0]}
    try:
        say(f"{target.name}: fresh database, db upgrade, seed-demo --scale {target.scale}")
        record["prepare"] = prepare(settings, target)
        say(f"{target.name}: seeded in {record['prepare']['seed_seconds']} s")
        record["sizes"] = sizes(target)
        ids = find_ids(target.url)
        record["ids"] = {k: v for k, v in ids.items()}
        counts = count_queries(settings, target, ids)
        record["hello"] = measure_hello(settings)
        say(f"{target.name}: hello world {record['hello']['rps']} req/s")
        record["pages"], record["worker_peak_rss_mib"], record["restarts"] = drive_pages(
            settings, target, ids, counts, record["hello"]["rps"])
        say(f"{target.name}: score, reminders and mail in-process; CLI wall times")
        record["inprocess"] = run_inprocess(settings, target)
        record["cli"] = cli_times(settings, target)
    except Exception as exc:  # noqa: BLE001 - a target that fails is reported, the run goes on
        record["error"] = f"{type(exc).__name__}: {exc}"
        say(f"{target.name}: FAILED: {record['error']}")
    return record
