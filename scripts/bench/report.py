"""``bench/results.json`` (all figures) and ``bench/results.md`` (the same, as tables)."""
import json
import os
import platform
import subprocess
from datetime import datetime, timezone

from scripts.bench import budgets
from scripts.bench.settings import RESULTS_DIR


def machine(settings):
    """CPU, cores, Python, date and the commit of the checkout that was served."""
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    git = ["git", "-C", str(settings.app_dir)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "os": platform.platform(), "date": datetime.now(timezone.utc).isoformat(
                timespec="seconds"),
            "commit": commit + (" + uncommitted changes" if dirty else ""),
            "app_dir": str(settings.app_dir)}


def _num(value, digits=1, unit=""):
    return "–" if value is None else f"{value:,.{digits}f}{unit}"


def _page_rows(target):
    yield ("| page | role | path | req/s | p50 ms | p99 ms | % of hello | queries | "
           "vs 1x | status |")
    yield "|---|---|---|--:|--:|--:|--:|--:|--:|---|"
    for p in target["pages"]:
        status = f"**ERROR**: {p['problem']}" if p.get("problem") else "ok"
        share = "–" if p.get("problem") else _num(p["share_pct"])
        slowdown = _num(p.get("slowdown_vs_1x"), 2, "x") if "slowdown_vs_1x" in p else ""
        queries = "–" if p.get("queries") is None else str(p["queries"])
        yield (f"| {p['label']} | {p['role']} | `{p['shown_path']}` | {_num(p['rps'])} | "
               f"{_num(p['p50_ms'])} | {_num(p['p99_ms'])} | {share} | {queries} | "
               f"{slowdown} | {status} |")


def _target_section(target):
    yield f"### {target['backend']}, scale {target['scale']}x"
    yield ""
    if target.get("error"):
        yield f"**Not measured: {target['error']}**"
        yield ""
    if target.get("sizes"):
        yield "Rows: " + ", ".join(f"{k} {v:,}" for k, v in target["sizes"].items()) + "."
        yield ""
    hello = target.get("hello")
    if hello:
        yield (f"Baseline, Flask hello world with the same gunicorn settings, measured just "
               f"before: **{_num(hello['rps'])} req/s**, p50 {_num(hello['p50_ms'])} ms, "
               f"p99 {_num(hello['p99_ms'])} ms"
               + (f" (**{hello['problem']}**)" if hello.get("problem") else "") + ".")
        yield ""
    if target.get("pages"):
        yield from _page_rows(target)
        yield ""


def _other_rows(results):
    yield ("| database | seed | `flask score` in-process: first / warm | `score --json` "
           "first / warm | `flask score` CLI wall | `score --json` CLI wall | reminder pass | "
           "mail delivery | worker peak RSS | server restarts |")
    yield "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    for t in results["targets"]:
        inproc, cli = t.get("inprocess") or {}, t.get("cli") or {}
        score, as_json = inproc.get("score", {}), inproc.get("score_json", {})
        mail = inproc.get("mail") or {}
        rem = inproc.get("reminders", {})
        yield (f"| {t['name']} | {_num((t.get('prepare') or {}).get('seed_seconds'), 1, ' s')} "
               f"| {_num(score.get('first_s'), 3)} / {_num(score.get('median_s'), 3)} s "
               f"| {_num(as_json.get('first_s'), 3)} / {_num(as_json.get('median_s'), 3)} s "
               f"| {_num(cli.get('score_s'), 2, ' s')} | {_num(cli.get('score_json_s'), 2, ' s')} "
               f"| {_num(rem.get('seconds'), 3, ' s')} "
               f"| {_num(mail.get('mails_per_s'), 0, ' mails/s')} "
               f"| {_num(t.get('worker_peak_rss_mib'), 0, ' MiB')} | {t.get('restarts', 0)} |")


def _budget_section(checks, notes):
    yield "## Budgets"
    yield ""
    for check in checks:
        mark = {"met": "met", "missed": "**missed**"}.get(check["status"], check["status"])
        yield f"- {check['budget']}: {mark}"
        if check["status"] != "missed":
            continue
        for miss in check["missed"]:
            yield f"  - {miss}"
        why = notes.get(check["key"]) or (f"_Why: not explained yet (add `{check['key']}: ...` "
                                          "to bench/notes.yaml)._")
        yield ""
        yield f"  {why}"
        yield ""


def markdown(results):
    m, s = results["machine"], results["settings"]
    lines = ["# Benchmark results (`make bench`)", "",
             f"Machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}; {m['os']}; "
             f"{m['date']}; commit {m['commit']}.", "",
             f"Each page: `wrk -t{s['threads']} -c{s['connections']} -d{s['seconds']}s "
             f"--latency` against `gunicorn -w {s['workers']} --timeout 60 wsgi:app` on "
             "loopback, logged in as its role (wrk shares the cores with the server). "
             "Queries: one request with `X-Query-Count` (clinic/querycount.py). "
             "\"vs 1x\": demo-scale req/s divided by this scale's.", "", "## Pages", ""]
    for target in results["targets"]:
        lines += list(_target_section(target))
    lines += ["## Other figures", "",
              "In-process times exclude interpreter start and app import (first call in a "
              "fresh process / median of three more); the reminder pass is planned at "
              f"08:05 on the next working Monday (digests, session reminders, escalations, the "
              "Monday summary); mail delivery sends "
              f"{s['mails']} queued mails to an aiosmtpd sink on loopback.", ""]
    lines += list(_other_rows(results))
    lines += [""] + list(_budget_section(results["budgets"], budgets.notes()))
    lines += [f"Whole run: {results['total_seconds'] / 60:.1f} min.", ""]
    return "\n".join(lines)


def write(results):
    """Check the budgets and write both files; return the Markdown path."""
    results["budgets"] = budgets.check(results)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "results.json").write_text(json.dumps(results, indent=2) + "\n",
                                              encoding="utf-8")
    path = RESULTS_DIR / "results.md"
    path.write_text(markdown(results), encoding="utf-8")
    return path
