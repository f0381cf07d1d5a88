"""gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py`` (README, "Deployment").

Why these values (docs/security.md, "Time limits"):

- ``worker_class = "sync"``: one request per process. gunicorn's ``timeout`` then really stops a
  request that overruns: the arbiter kills a sync worker that has not reported back within
  ``timeout`` seconds and starts a new one. With gthread workers it cannot: the worker's main
  thread keeps reporting while a request thread hangs, so a stuck thread stays stuck. (The app's
  own deadline, ``REQUEST_TIMEOUT``, bounds every wait for the database in any worker class,
  gthread included; the kill is the backstop for anything else.)
- ``timeout = LONG_REQUEST_TIMEOUT + 10``: the app answers 503 at its own deadline first
  (``REQUEST_TIMEOUT``, 25 s, for pages; ``LONG_REQUEST_TIMEOUT``, 120 s, for the few views
  allowed longer: an import's commit, a PDF pack); only a request stuck outside the database
  (which the budgets on imports, exports and pages are there to prevent) reaches the kill.
- ``graceful_timeout``: on a restart or deploy, requests in progress get as long to finish as
  any request may take.
- ``workers``: ``WEB_CONCURRENCY``, default 2 x CPUs + 1. Each sync worker serves one request at
  a time, so this is the number of requests served at once; the database must accept that many
  connections (``CONN_MAX_AGE`` keeps one per worker).
- ``max_requests`` (with jitter): a worker is replaced after that many requests, bounding any slow
  growth in memory.
- request line and header limits at gunicorn's defaults, stated here so they are not loosened by
  accident.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

_longest_request = float(os.environ.get("LONG_REQUEST_TIMEOUT", "120"))
timeout = int(_longest_request) + 10
graceful_timeout = int(_longest_request) + 10
keepalive = 5

max_requests = 1000
max_requests_jitter = 100

limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

accesslog = None  # config.requests logs every request with its id, user and duration
errorlog = "-"
