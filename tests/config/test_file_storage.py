"""FILE_STORAGE picks where stored files live (issue 16): the filesystem by default, S3-compatible
object storage through django-storages with FILE_STORAGE=s3. No S3 server runs here, so these
tests check the configured backend and its options (and a presigned URL, made without a network
call); they do not store anything in a bucket."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHOW = """
import json
from django.core.files.storage import default_storage, storages
s = storages["default"]
out = {"class": type(s).__module__ + "." + type(s).__name__}
for name in ("bucket_name", "endpoint_url", "region_name", "access_key", "secret_key",
             "addressing_style", "location", "default_acl", "querystring_auth", "file_overwrite"):
    if hasattr(s, name):
        out[name] = getattr(s, name)
if hasattr(s, "bucket_name"):
    out["url"] = s.url("packs/2026/12/pack.pdf")
print(json.dumps(out))
"""


def storage_with(**env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FILE_STORAGE", "S3_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", **env_overrides})
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, (
        json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else None
    )


def test_the_filesystem_is_the_default():
    result, storage = storage_with()
    assert storage is not None, result.stderr
    assert storage["class"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_s3_compatible_storage_by_setting():
    result, storage = storage_with(
        FILE_STORAGE="s3",
        S3_BUCKET="council-plans",
        S3_ENDPOINT_URL="https://minio.council.example:9000",
        S3_REGION="eu-west-2",
        S3_ACCESS_KEY_ID="AKEXAMPLE",
        S3_SECRET_ACCESS_KEY="secret-example",
        S3_ADDRESSING_STYLE="path",
        S3_PREFIX="improvement-plans",
    )
    assert storage is not None, result.stderr
    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert storage["bucket_name"] == "council-plans"
    assert storage["endpoint_url"] == "https://minio.council.example:9000"
    assert storage["region_name"] == "eu-west-2"
    assert (storage["access_key"], storage["secret_key"]) == ("AKEXAMPLE", "secret-example")
    assert storage["addressing_style"] == "path" and storage["location"] == "improvement-plans"
    assert storage["default_acl"] == "private" and storage["querystring_auth"] is True
    assert storage["file_overwrite"] is False
    # A signed, path-style URL at the endpoint: files are never public.
    assert storage["url"].startswith(
        "https://minio.council.example:9000/council-plans/improvement-plans/packs/2026/12/pack.pdf?"
    )
    assert "Signature=" in storage["url"] or "X-Amz-Signature=" in storage["url"]


def test_an_unknown_storage_is_refused():
    result, storage = storage_with(FILE_STORAGE="ftp")
    assert storage is None and "FILE_STORAGE must be 'filesystem' or 's3'" in result.stderr
