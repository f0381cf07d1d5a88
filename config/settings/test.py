"""Settings for the test suite (pytest-django). DATABASE_URL chooses SQLite or PostgreSQL."""

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105 # nosec B105 - a fixed key for the test suite only
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The live server used by browser tests 404s hashed files with the manifest storage.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
WHITENOISE_AUTOREFRESH = True
# Evidence uploaded by tests goes to a temporary folder of this test process.
import tempfile as _tempfile  # noqa: E402

# A worker process started by a test (tests/worker.py) is given the test process's folder.
MEDIA_ROOT = env("TEST_MEDIA_ROOT", default="") or _tempfile.mkdtemp(  # noqa: F405
    prefix="improvement-plans-media-"
)
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that tests with threads get real, separate connections (the
    # no-lost-updates race runs on SQLite too). One file per test process.
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"improvement-plans-test-{os.getpid()}.sqlite3")
    }

# The scale generator and the benchmark (development tools, never in production).
INSTALLED_APPS += ["devtools"]  # noqa: F405

# Background tasks run in-process, unless a test starts a real worker (issue 16): that worker
# process is given TASK_BACKEND, EMAIL_BACKEND and EMAIL_FILE_PATH in its environment.
TASKS = {
    "default": {
        "BACKEND": env("TASK_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")  # noqa: F405
    }
}
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_BACKEND)  # noqa: F405
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)  # noqa: F405
TASK_RETRY_BASE_SECONDS = 0

# The browser suite signs in dozens of times from one address against one live server; the
# limit on unauthenticated POSTs (config.middleware) would refuse the later sign-ins. The tests
# of the limit itself set it (tests/core/test_rate_limits_and_idle.py).
RATE_LIMIT_ANONYMOUS_POSTS = (100_000, 15 * 60)
