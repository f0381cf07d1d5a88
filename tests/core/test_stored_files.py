"""Files made once and downloaded many times (issue 16): stored through Django's storage API with
a SHA-256, streamed back only while the bytes still match, and a job's file checked the same way."""

import hashlib

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from core import files
from core.models import Job
from core.tasks import attach_file
from tests import factories


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def test_save_records_digest_and_size(storage):
    stored = files.save("packs/pack.pdf", b"%PDF-1.7 hello", storage)
    assert stored.sha256 == hashlib.sha256(b"%PDF-1.7 hello").hexdigest()
    assert stored.size == 14
    assert storage.open(stored.name).read() == b"%PDF-1.7 hello"


def test_a_second_save_under_the_same_name_does_not_overwrite_the_first(storage):
    first = files.save("packs/pack.pdf", b"first", storage)
    second = files.save("packs/pack.pdf", b"second", storage)
    assert first.name != second.name
    assert storage.open(first.name).read() == b"first"


def test_verified_download_streams_the_stored_bytes_as_an_attachment(storage):
    data = b"x" * (files.CHUNK * 2 + 5)  # several chunks
    stored = files.save("packs/big.bin", data, storage)
    response = files.verified_download(
        stored.name, stored.sha256, filename="Pack 1.pdf", storage=storage
    )
    assert b"".join(response.streaming_content) == data
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-SHA256"] == stored.sha256


def test_changed_bytes_are_refused(storage, tmp_path):
    stored = files.save("packs/pack.pdf", b"issued bytes", storage)
    (tmp_path / stored.name).write_bytes(b"tampered bytes")
    with pytest.raises(files.StoredFileCorrupt):
        files.verified_download(stored.name, stored.sha256, filename="p.pdf", storage=storage)


def test_missing_file_is_reported(storage):
    with pytest.raises(files.StoredFileMissing):
        files.verify("packs/none.pdf", "0" * 64, storage)


@pytest.mark.django_db
def test_job_file_is_verified_on_download(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    me = factories.user()
    job = Job.objects.create(requester=me, kind=Job.Kind.PLAN_EXPORT, status=Job.Status.SUCCEEDED)
    attach_file(job, "plan.xlsx", b"xlsx bytes")
    job.save()
    assert job.sha256 == hashlib.sha256(b"xlsx bytes").hexdigest() and job.size == 10
    client.force_login(me)
    url = reverse("job_download", args=[job.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"xlsx bytes"
    (tmp_path / job.file.name).write_bytes(b"xlsx bytez")
    damaged = client.get(url)
    assert damaged.status_code == 500
    assert b"damaged in storage" in damaged.content
    (tmp_path / job.file.name).unlink()
    assert client.get(url).status_code == 404
