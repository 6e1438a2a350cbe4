"""``python -m scripts.bench`` (``make bench``): measure every target, write bench/results.*"""
import dataclasses
import time

from scripts.bench import report
from scripts.bench.databases import targets
from scripts.bench.load import ensure_wrk
from scripts.bench.run import measure_target, say
from scripts.bench.servers import raise_on_sigterm, stop_all
from scripts.bench.settings import load


def main():
    settings = load()
    ensure_wrk()
    raise_on_sigterm()
    started = time.monotonic()
    shown = {k: (str(v) if k == "app_dir" else v)
             for k, v in dataclasses.asdict(settings).items()}
    results = {"machine": report.machine(settings), "settings": shown, "targets": []}
    say(f"{len(targets(settings))} targets, {settings.seconds} s per page; serving "
        f"{settings.app_dir} at {results['machine']['commit']}")
    try:
        for target in targets(settings):
            results["targets"].append(measure_target(settings, target))
    finally:
        stop_all()
    results["total_seconds"] = round(time.monotonic() - started, 1)
    path = report.write(results)
    say(f"done in {results['total_seconds'] / 60:.1f} min: {path}")
    failed = [t["name"] for t in results["targets"] if t.get("error")]
    if failed:
        raise SystemExit(f"bench: not measured: {', '.join(failed)} (see {path})")


if __name__ == "__main__":
    main()
