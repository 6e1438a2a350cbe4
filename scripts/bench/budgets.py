"""The budgets of issue 11, checked against a run's results.

Each check gives ``{"key", "budget", "status", "missed"}``: status is ``met``, ``missed`` or
``not measured``; ``missed`` lists what broke it. ``bench/notes.yaml`` may map a budget's key
to the reason it is missed; the report prints it beside the miss.
"""
from scripts.bench.pages import LIGHTEST
from scripts.bench.settings import RESULTS_DIR

NOTES = RESULTS_DIR / "notes.yaml"
MIN_SHARE, MAX_P99_MS, MAX_SLOWDOWN, MAX_QUERIES = 8.0, 100.0, 1.5, 12
MAX_SCORE_S, MAX_REMINDERS_S, STRETCH_SHARE = 0.2, 1.0, 15.0


def _pages(results, scale=None):
    """(target, page) for every measured page, optionally at one scale only."""
    for target in results["targets"]:
        if scale is None or target["scale"] == scale:
            for page in target.get("pages", []):
                yield target, page


def _check(key, budget, misses, measured):
    status = "not measured" if not measured else ("missed" if misses else "met")
    return {"key": key, "budget": budget, "status": status, "missed": misses}


def _page_check(results, key, budget, scale, broken):
    pairs = list(_pages(results, scale))
    misses = [f"{t['name']} {p['key']}: {why}" for t, p in pairs if (why := broken(p))]
    return _check(key, budget, misses, bool(pairs))


def _share(page):
    if page.get("problem"):
        return f"error ({page['problem']})"
    if page["share_pct"] < MIN_SHARE:
        return f"{page['share_pct']:.1f} %"
    return None


def _p99(page):
    if page.get("problem"):
        return f"error ({page['problem']})"
    return f"p99 {page['p99_ms']:.0f} ms" if page["p99_ms"] > MAX_P99_MS else None


def _queries(page):
    if page.get("queries") is None:
        return "not counted"
    return f"{page['queries']} queries" if page["queries"] > MAX_QUERIES else None


def _slowdowns(results):
    """(misses, measured) of the 10x vs demo-scale comparison, per backend and page."""
    by_name = {(t["backend"], t["scale"]): t for t in results["targets"]}
    misses, measured = [], False
    for (backend, scale), big in by_name.items():
        small = by_name.get((backend, 1))
        if scale != 10 or small is None:
            continue
        demo = {p["key"]: p for p in small.get("pages", [])}
        for page in big.get("pages", []):
            base = demo.get(page["key"])
            if base is None or not base["rps"] or not page["rps"]:
                continue
            measured = True
            factor = base["rps"] / page["rps"]
            page["slowdown_vs_1x"] = round(factor, 2)
            if factor > MAX_SLOWDOWN or page.get("problem"):
                misses.append(f"{backend} {page['key']}: {factor:.1f}x slower"
                              + (f", error ({page['problem']})" if page.get("problem") else ""))
    return misses, measured


def _figure_check(results, key, budget, scale, pick, limit):
    """A budget on one figure per target (at ``scale``), e.g. the score command's time."""
    misses, measured = [], False
    for target in results["targets"]:
        value = pick(target) if target["scale"] == scale else None
        if value is None:
            continue
        measured = True
        if value > limit:
            misses.append(f"{target['name']}: {value:.3f} s")
    return _check(key, budget, misses, measured)


def _score_seconds(target):
    return (target.get("inprocess") or {}).get("score", {}).get("first_s")


def _reminder_seconds(target):
    return (target.get("inprocess") or {}).get("reminders", {}).get("seconds")


def _lightest(page):
    if page["key"] != LIGHTEST:
        return None
    if page.get("problem"):
        return f"error ({page['problem']})"
    return f"{page['share_pct']:.1f} %" if page["share_pct"] < STRETCH_SHARE else None


def check(results):
    """Every budget, in the order of the issue."""
    slow, slow_measured = _slowdowns(results)
    return [
        _page_check(results, "page_share", f"every key page at demo scale >= {MIN_SHARE:.0f} % "
                    "of hello world's req/s", 1, _share),
        _page_check(results, "page_p99", f"every key page at demo scale: p99 <= "
                    f"{MAX_P99_MS:.0f} ms", 1, _p99),
        _check("scale_slowdown", f"at 10x no page more than {MAX_SLOWDOWN}x slower (req/s) "
               "than at demo scale", slow, slow_measured),
        _page_check(results, "queries", f"<= {MAX_QUERIES} SQL queries per page", None,
                    _queries),
        _figure_check(results, "score_cli", f"`flask score` <= {MAX_SCORE_S} s at 10x "
                      "(in-process, one call)", 10, _score_seconds, MAX_SCORE_S),
        _figure_check(results, "reminder_pass", f"a reminder pass <= {MAX_REMINDERS_S:.0f} s "
                      "at demo scale", 1, _reminder_seconds, MAX_REMINDERS_S),
        _page_check(results, "stretch_lightest", f"stretch: lightest logged-in page "
                    f"({LIGHTEST}) >= {STRETCH_SHARE:.0f} % of hello world", 1, _lightest),
    ]


def notes():
    """The explanations in ``bench/notes.yaml`` (budget key -> text), or none."""
    if not NOTES.exists():
        return {}
    import yaml

    data = yaml.safe_load(NOTES.read_text(encoding="utf-8")) or {}
    return {str(key): str(value).strip() for key, value in data.items()}
