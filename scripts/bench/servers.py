"""gunicorn servers on free loopback ports, always stopped (context managers, own sessions).

Each server runs in its own session (process group), so Ctrl-C in the terminal reaches only
the benchmark, whose ``finally`` blocks stop the servers; a server is stopped with SIGQUIT
(quick shutdown) to its group and SIGKILL if it lingers.
"""
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from scripts.bench.client import wait_ready

_LIVE = set()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``gunicorn -w N -b 127.0.0.1:PORT --timeout 60 APP`` in ``cwd`` with ``env``."""

    def __init__(self, app, cwd, env, log, workers=2, extra=()):
        self.app, self.cwd, self.env, self.log = app, cwd, env, log
        self.workers, self.extra = workers, tuple(extra)
        self.process = None
        self.port = None
        self.peak_rss_kib = 0

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, gunicorn):
        """Start the server and wait until it answers; stop with its log's tail if it fails."""
        self.gunicorn = gunicorn
        self.port = free_port()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "a", encoding="utf-8") as out:
            out.write(f"\n# gunicorn {self.app} on port {self.port}\n")
            out.flush()
            self.process = subprocess.Popen(
                [gunicorn, "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                 "--timeout", "60", *self.extra, self.app],
                cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        _LIVE.add(self)
        alive = lambda: self.process.poll() is None  # noqa: E731
        if not wait_ready(self.base, alive=alive) or not self._all_workers_up():
            self.stop()
            raise RuntimeError(f"gunicorn {self.app} did not start; see {self.log}")
        return self

    def _all_workers_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.worker_pids()) >= self.workers:
                return True
            time.sleep(0.2)
        return False

    def worker_pids(self):
        """The pids of the master's children (the workers)."""
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as f:
                return [int(pid) for pid in f.read().split()]
        except OSError:
            return []

    def note_rss(self):
        """Remember the highest VmHWM (peak RSS) of any worker so far; return it in KiB."""
        for pid in self.worker_pids():
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            self.peak_rss_kib = max(self.peak_rss_kib, int(line.split()[1]))
            except OSError:
                continue
        return self.peak_rss_kib

    def drain(self, timeout=5):
        """Wait for the requests wrk left queued; restart the server if they take too long.

        A slow page leaves up to ``-c`` requests in gunicorn's backlog when wrk stops; they
        would run into the next page's measurement.
        """
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=timeout):
                return False
        except urllib.error.HTTPError:
            return False  # an answer all the same (the hello world app has no /healthz)
        except OSError:
            self.note_rss()
            self.stop()
            self.start(self.gunicorn)
            return True

    def stop(self):
        """Quick shutdown of the whole process group, then SIGKILL after 10 s."""
        _LIVE.discard(self)
        if self.process is None or self.process.poll() is not None:
            return
        _signal_group(self.process.pid, signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def _signal_group(pid, signum):
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass


def stop_all():
    """Stop every server still running (the last resort of an interrupted run)."""
    for server in list(_LIVE):
        server.stop()


def raise_on_sigterm():
    """Turn SIGTERM (and SIGHUP) into SystemExit so that every ``finally`` block runs."""
    def handler(signum, frame):
        raise SystemExit(f"bench: stopped by signal {signum}")

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)
