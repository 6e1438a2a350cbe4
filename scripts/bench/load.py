"""wrk runs: requests per second, p50 and p99 latency, and every answer that was not a 2xx."""
import json
import os
import shutil
import subprocess

from scripts.bench.client import USER_AGENT
from scripts.bench.settings import BENCH_DIR

LUA = BENCH_DIR / "wrk_report.lua"
MARK = "BENCH_JSON "


def ensure_wrk():
    """The path of wrk; installed from Debian when missing and we are root, else a clear stop."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: installing Debian's wrk", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet).returncode:
            subprocess.run(["apt-get", "update", "-q"], **quiet)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet)
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed and could not be installed; "
                         "run `apt-get install wrk` (Debian package wrk) as root and retry")
    return shutil.which("wrk")


def command(url, settings, cookie=None):
    """The wrk command line for one page."""
    args = ["wrk", f"-t{settings.threads}", f"-c{settings.connections}",
            f"-d{settings.seconds}s", "--timeout", "30s", "--latency", "-s", str(LUA),
            "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    return args + [url]


def run(url, settings, cookie=None, log=None):
    """Drive ``url`` for the run's duration; the figures as a dict (times in ms)."""
    done = subprocess.run(command(url, settings, cookie), capture_output=True, text=True,
                          timeout=settings.seconds + 120)
    if log is not None:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"\n$ wrk ... {url}\n{done.stdout}{done.stderr}")
    line = next((line for line in done.stdout.splitlines() if line.startswith(MARK)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed on {url}: {done.stderr.strip() or done.stdout[-500:]}")
    return figures(json.loads(line[len(MARK):]))


def figures(raw):
    """Requests per second, latency in ms and the error counts of one wrk run."""
    seconds = raw["duration_us"] / 1e6
    socket_errors = sum(raw[key] for key in ("connect_errors", "read_errors", "write_errors"))
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p90_ms": round(raw["p90_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "non2xx": raw["non2xx"],
        "redirects": raw["redirects"],
        "last_bad_status": raw["last_bad_status"] or None,
        "socket_errors": socket_errors,
        "timeouts": raw["timeouts"],
    }


def problem(result, probe=None):
    """Why a page's figures cannot be trusted as a measurement, or None."""
    reasons = []
    if probe is not None and probe["status"] != 200:
        where = f" to {probe['location']}" if probe.get("location") else ""
        reasons.append(f"answers HTTP {probe['status']}{where}")
    if result["non2xx"]:
        reasons.append(f"{result['non2xx']} non-2xx answers (last HTTP {result['last_bad_status']})")
    if result["timeouts"]:
        reasons.append(f"{result['timeouts']} requests timed out (30 s)")
    if result["requests"] == 0:
        reasons.append("no request finished")
    return "; ".join(reasons) or None
