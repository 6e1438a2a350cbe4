"""HTTP as a user: log in through the real form, fetch a page with its SQL query count.

Redirects are never followed, so a page that sends the user to the login form shows up as a
302 to ``/login``, not as the login page's 200.
"""
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request

USER_AGENT = "klinik-bench/1"  # wrk sends the same, so the session stays "basic"-protected
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FEED = re.compile(r'/coaching/feed/[A-Za-z0-9._\-]+\.ics')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar and an opener that do not follow redirects."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path, data=None, cookie=None, timeout=120):
        """(status, headers, body, seconds) of one request; errors are answers too."""
        req = urllib.request.Request(self.base + path, headers={"User-Agent": USER_AGENT})
        if cookie:
            req.add_header("Cookie", cookie)
        if data is not None:
            req.data = urllib.parse.urlencode(data).encode()
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=timeout) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        return status, headers, body.decode("utf-8", "replace"), time.perf_counter() - started

    def csrf_token(self, path):
        status, _, body, _ = self.request(path)
        match = CSRF.search(body)
        if status != 200 or match is None:
            raise RuntimeError(f"no CSRF token on {path} (HTTP {status})")
        return match.group(1)

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def login(base, email, password):
    """Log in with the form (one POST, as the rate limiter allows); the logged-in Browser."""
    browser = Browser(base)
    token = browser.csrf_token("/login")
    status, headers, _, _ = browser.request(
        "/login", {"csrf_token": token, "email": email, "password": password})
    if status != 302 or "/login" in (headers.get("Location") or ""):
        raise RuntimeError(f"login as {email} failed: HTTP {status} "
                           f"(wrong DEMO_PASSWORD, or throttled?)")
    return browser


def feed_path(browser):
    """The path of the user's calendar feed; made with the "create link" button if missing."""
    for attempt in range(2):
        status, _, body, _ = browser.request("/coaching/calendar")
        match = FEED.search(body) if status == 200 else None
        if match:
            return match.group(0)
        if attempt == 0 and status == 200:
            browser.request("/coaching/feed/regenerate",
                            {"csrf_token": browser.csrf_token("/coaching/calendar")})
    raise RuntimeError("could not make the calendar feed URL (calendar page without a link)")


def probe(base, path, cookie=None):
    """One request: status, redirect target, X-Query-Count (or None) and seconds."""
    status, headers, body, seconds = Browser(base).request(path, cookie=cookie)
    count = headers.get("X-Query-Count")
    return {"status": status, "location": headers.get("Location"),
            "queries": int(count) if count is not None else None,
            "bytes": len(body), "seconds": round(seconds, 4)}


def wait_ready(base, path="/healthz", timeout=60, alive=lambda: True):
    """Wait until ``base`` answers ``path``; False if it did not within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with urllib.request.urlopen(base + path, timeout=2) as response:
                if response.status < 500:
                    return True
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False
