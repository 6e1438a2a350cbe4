"""gunicorn config of the query-count server: ``gunicorn -c scripts/bench/gunicorn_count.py``.

After a worker has loaded ``wsgi:app`` it installs ``clinic.querycount`` (which stays inert
unless ``BENCH_QUERY_COUNT=1`` is set), so every answer carries ``X-Query-Count``. The app
factory does not call it: ``tests/test_architecture.py`` has no floor for a new
``clinic/querycount`` room, so it is installed from here, outside the package.
"""


def post_worker_init(worker):
    from clinic import querycount

    if not querycount.init_app(worker.wsgi):
        worker.log.warning("BENCH_QUERY_COUNT is not set: no X-Query-Count header")
