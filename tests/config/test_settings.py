"""Production settings refuse to start unconfigured and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env",
    [{}, {"SECRET_KEY": "x" * 60}, {"ALLOWED_HOSTS": "example.org"}],
    ids=["nothing", "no-hosts", "no-secret"],
)
def test_production_refuses_to_start_without_secret_and_hosts(env):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_passes_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-secret-for-the-test-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="plans.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_uses_hashed_compressed_static_files():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])",
        SECRET_KEY="s" * 60,
        ALLOWED_HOSTS="plans.example.org",
    )
    assert result.stdout.strip().endswith("CompressedManifestStaticFilesStorage"), result.stderr
