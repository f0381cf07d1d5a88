"""Evidence attached to status updates: PDF, Word, Excel and images, checked by their content
(never by their name or the browser's word for them) and kept through Django's storage API.

What a file is comes from its first bytes (PDF, PNG, JPEG, GIF) or, for Word and Excel, from the
parts inside its zip container (``word/document.xml``, ``xl/workbook.xml``). Macro-enabled files,
the old binary Office formats, zip bombs and anything else are refused with a message saying
what to do instead. ``EVIDENCE_MAX_BYTES`` (default 10 MB) limits each file and
``EVIDENCE_MAX_FILES`` (default 5) the files given with one update.
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls (old binary Office files)
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 5000
MAX_UNZIPPED_RATIO = 100  # a Word or Excel file unzips to at most this many times its size


@dataclass(frozen=True)
class Kind:
    code: str
    words: str
    content_type: str
    extension: str


KINDS = {
    k.code: k
    for k in (
        Kind("pdf", "PDF", "application/pdf", "pdf"),
        Kind(
            "docx",
            "Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        Kind(
            "xlsx",
            "Excel workbook",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        Kind("png", "PNG image", "image/png", "png"),
        Kind("jpeg", "JPEG image", "image/jpeg", "jpg"),
        Kind("gif", "GIF image", "image/gif", "gif"),
    )
}
ACCEPTED_WORDS = "a PDF, Word document (.docx), Excel workbook (.xlsx) or image (PNG, JPEG, GIF)"


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


def max_files() -> int:
    return getattr(settings, "EVIDENCE_MAX_FILES", 5)


def size_words(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    return f"{max(1, n // 1024)} KB"


def _office_kind(upload) -> Kind:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise ValidationError("%(name)s is not a valid Word or Excel file")
            unzipped = sum(m.file_size for m in members)
            if unzipped > max(upload.size, 1) * MAX_UNZIPPED_RATIO:
                raise ValidationError("%(name)s is not a valid Word or Excel file")
            names = {m.filename for m in members}
    except zipfile.BadZipFile:
        raise ValidationError("%(name)s is not a valid Word or Excel file") from None
    finally:
        upload.seek(0)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationError(
            "%(name)s contains macros: save it as a .docx or .xlsx without macros"
        )
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return KINDS["docx"]
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return KINDS["xlsx"]
    raise ValidationError(f"%(name)s must be {ACCEPTED_WORDS}")


def sniff(upload) -> Kind:
    """What an uploaded file is, from its content; ``ValidationError`` if it is not accepted."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return KINDS["gif"]
    if head.startswith(ZIP_MAGIC):
        return _office_kind(upload)
    if head.startswith(OLE_MAGIC):
        raise ValidationError(
            "%(name)s is an old-style Word or Excel file: save it as .docx or .xlsx"
        )
    raise ValidationError(f"%(name)s must be {ACCEPTED_WORDS}")


def check_upload(upload) -> Kind:
    """Size, then content; messages name the file."""
    params = {"name": upload.name}
    if upload.size == 0:
        raise ValidationError("%(name)s is empty", params=params)
    if upload.size > max_bytes():
        raise ValidationError(
            f"%(name)s must be smaller than {size_words(max_bytes())}", params=params
        )
    try:
        return sniff(upload)
    except ValidationError as error:
        raise ValidationError(error.messages[0] % params) from None
