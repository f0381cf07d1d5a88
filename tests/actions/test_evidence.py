"""Evidence attached to updates: accepted by content (not name), size-limited, kept through the
storage API, downloadable only by those who may see the action, always as a download."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Attachment, StatusUpdate
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def office(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_update(client, action, *files):
    return client.post(
        reverse("actions:update", kwargs={"pk": action.pk}),
        {
            "rating": "green",
            "commentary": "See the evidence",
            "version": action.version,
            "evidence": list(files),
        },
    )


def lead_and_action():
    officer = factories.officer()
    return officer, factories.action(lead=officer.person)


@pytest.mark.parametrize(
    "name,content,kind",
    [
        ("audit.pdf", PDF, "pdf"),
        ("chart.png", PNG, "png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "jpeg"),
        ("minutes.docx", office("word/document.xml"), "docx"),
        ("figures.xlsx", office("xl/workbook.xml"), "xlsx"),
        ("misnamed.txt", PDF, "pdf"),  # the content decides, not the name
    ],
)
def test_accepted_kinds_are_kept_through_storage_and_listed_on_the_history(
    client, name, content, kind
):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = post_update(client, action, upload(name, content, "text/plain"))
    assert response.status_code == 302
    attachment = Attachment.objects.get(update__action=action)
    assert attachment.kind == kind and attachment.size == len(content)
    assert attachment.file.storage.exists(attachment.file.name)
    assert name not in attachment.file.name  # stored under a random name
    history = client.get(action.get_absolute_url()).content.decode()
    assert attachment.get_absolute_url() in history and attachment.name in history


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("report.pdf", b"MZ\x90\x00 this is a program", "must be a PDF, Word document"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "old-style Word"),
        ("macro.docx", office("word/document.xml", "word/vbaProject.bin"), "contains macros"),
        ("other.docx", office("content.xml"), "must be a PDF, Word document"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a valid Word or Excel file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_refused_files_give_a_clear_message_and_save_nothing(client, name, content, message):
    officer, action = lead_and_action()
    client.force_login(officer)
    response = post_update(client, action, upload(name, content, "application/pdf"))
    html = response.content.decode()
    assert response.status_code == 200 and message in html and 'href="#id_evidence"' in html
    assert not StatusUpdate.objects.filter(action=action).exists()
    assert not Attachment.objects.exists()


def test_the_size_limit_is_a_setting(client, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    officer, action = lead_and_action()
    client.force_login(officer)
    response = post_update(client, action, upload("big.pdf", PDF + b"x" * 2048))
    assert "big.pdf must be smaller than 1 KB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_zip_bomb_is_refused(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "0" * 5_000_000)
    officer, action = lead_and_action()
    client.force_login(officer)
    response = post_update(client, action, upload("bomb.docx", buffer.getvalue()))
    assert "not a valid Word or Excel file" in response.content.decode()


def test_download_is_an_attachment_never_inline_and_only_for_those_who_may_see_it(client):
    officer, action = lead_and_action()
    client.force_login(officer)
    post_update(client, action, upload("minutes.exe", PDF))
    attachment = Attachment.objects.get()
    url = attachment.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="minutes.exe.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    # A board member of another plan's board may not see the plan, so not its evidence.
    outsider = factories.user(role="Board members")
    factories.person(user=outsider)
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_at_most_the_set_number_of_files(client, settings):
    settings.EVIDENCE_MAX_FILES = 1
    officer, action = lead_and_action()
    client.force_login(officer)
    response = post_update(client, action, upload("a.pdf", PDF), upload("b.pdf", PDF))
    assert "Choose at most 1 file" in response.content.decode()
