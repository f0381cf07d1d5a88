"""Development on one machine: debug on, e-mail printed to the console."""

from config.settings.base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The scale generator and the benchmark (development tools, never in production).
INSTALLED_APPS += ["devtools"]  # noqa: F405

# Background tasks run in-process on one machine (issue 16): `make run` needs no worker.
TASKS = {
    "default": {
        "BACKEND": env("TASK_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")
    }
}  # noqa: F405
