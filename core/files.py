"""Files made once and downloaded many times (issue 16): saved through Django's storage API
(the filesystem by default, S3-compatible object storage by setting) with a SHA-256, and
streamed back only when the stored bytes still have that digest.

Several app servers share one storage, so a file written through one server is read through
another; nothing here keeps state in the process.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK = 1024 * 1024


class StoredFileCorrupt(Exception):
    """The stored bytes no longer match the digest recorded when they were saved."""


class StoredFileMissing(Exception):
    """Nothing is stored under the recorded name."""


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save(name: str, data: bytes, storage: Storage | None = None) -> StoredFile:
    """Save ``data`` under ``name`` (the storage may choose a free name) and return where it went
    with its SHA-256 and size."""
    where = storage or default_storage
    saved = where.save(name, ContentFile(data))
    return StoredFile(name=saved, sha256=digest(data), size=len(data))


def _open(name: str, storage: Storage) -> IO[bytes]:
    try:
        return storage.open(name, "rb")
    except (FileNotFoundError, OSError) as missing:
        raise StoredFileMissing(name) from missing


def verify(name: str, sha256: str, storage: Storage | None = None) -> int:
    """Read the stored file through once; return its size if its digest is ``sha256``."""
    where = storage or default_storage
    hasher, size = hashlib.sha256(), 0
    with _open(name, where) as handle:
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
            size += len(chunk)
    if hasher.hexdigest() != sha256:
        raise StoredFileCorrupt(name)
    return size


def _chunks(name: str, storage: Storage) -> Iterator[bytes]:
    with _open(name, storage) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def verified_download(
    name: str,
    sha256: str,
    *,
    filename: str,
    content_type: str = "application/octet-stream",
    storage: Storage | None = None,
) -> StreamingHttpResponse:
    """Stream a stored file as an attachment, after checking its digest (raises
    ``StoredFileMissing`` or ``StoredFileCorrupt``, for the caller to answer)."""
    where = storage or default_storage
    size = verify(name, sha256, where)
    response = StreamingHttpResponse(_chunks(name, where), content_type=content_type)
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["X-Content-SHA256"] = sha256
    response["X-Content-Type-Options"] = "nosniff"
    return response
