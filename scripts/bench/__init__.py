"""``make bench``: throughput, latency and SQL queries of the key pages, and timings of the CLI.

Run ``python -m scripts.bench`` from the project root (``make bench`` does). The modules:

- ``settings``: the environment variables of a run (``BENCH_SECONDS``, ``BENCH_DBS`` ...)
- ``databases``: fresh SQLite and PostgreSQL databases seeded with the demo city, timed
- ``pages``: the table of key pages per role (add a row to benchmark a new page)
- ``servers``: gunicorn servers that are always stopped, even on Ctrl-C
- ``client``: logging in through the real form, fetching a page with its query count
- ``load``: ``wrk`` runs and their figures
- ``inprocess``: score, reminder pass and mail delivery timed inside one Python process
- ``budgets`` and ``report``: ``bench/results.md`` and ``bench/results.json``
"""
