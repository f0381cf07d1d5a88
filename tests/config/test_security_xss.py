"""Stored XSS sweep: script and HTML payloads in every text field a user can enter are inert on
every page, in exports and in the admin.

Data-driven so that pages and fields added later are covered without editing this file:
- the fields are every editable text field of every model in the project's apps (apart from
  keys used in URLs, choices, and records the system writes itself);
- the pages are every URL in ``tests/matrix`` that an administrator may GET.
The same sweep checks that no page carries inline script or style (the CSP would block them).
"""

import csv
import io
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, Left
from django.urls import reverse

from tests.config.test_permission_matrix import client_for, objs  # noqa: F401 - the matrix's objects
from tests.matrix import all_entries

pytestmark = pytest.mark.django_db

APPS = {"core", "plans", "priorities", "actions", "measures", "boards", "transfer", "inspections"}
# Records the system writes itself (not user text), and the audit log.
SYSTEM_MODELS = {"AuditEvent", "IssuedPack", "PlanImport", "ReminderSent", "DeadlineReminder"}
# Keys that appear in URLs (a payload there would only break the URL, not test escaping).
URL_KEYS = {("measures", "Measure", "code")}

# Starts with "=" for the spreadsheet formula check; then a script element and an attribute
# break-out. Unique fields get their row's pk in front.
PAYLOAD = '=1+2<script>alert(1)</script>"><img src=x onerror=alert(1)>'
RAW = ["<script>alert(1)", "<img src=x onerror"]
ESCAPED = "&lt;script&gt;alert(1)"
JAVASCRIPT_URL = "javascript:alert(1)"


def unique_field_names(model) -> set[str]:
    names = {f.name for f in model._meta.fields if f.unique}
    for constraint in model._meta.constraints:
        names |= set(getattr(constraint, "fields", ()) or ())
    for together in model._meta.unique_together:
        names |= set(together)
    return names


def text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or not field.editable:
            continue
        if field.choices or isinstance(field, models.SlugField | models.URLField):
            continue
        if (model._meta.app_label, model.__name__, field.name) in URL_KEYS:
            continue
        yield field


def swept_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in APPS
        and m.__name__ not in SYSTEM_MODELS
        and not m.__name__.startswith("Historical")
    ]


def inject_payloads() -> list[str]:
    """Write the payload into every user text field of every row; return what was filled."""
    filled = []
    for model in swept_models():
        unique = unique_field_names(model)
        updates = {}
        for field in text_fields(model):
            value = Value(PAYLOAD)
            if field.name in unique:
                value = Concat(Cast("pk", output_field=CharField()), Value(PAYLOAD))
            if field.max_length:
                value = Left(value, field.max_length)
            updates[field.name] = value
            filled.append(f"{model.__name__}.{field.name}")
        for field in model._meta.concrete_fields:
            if isinstance(field, models.URLField):
                updates[field.name] = Value(JAVASCRIPT_URL)
        if updates:
            model.objects.update(**updates)
    return filled


@pytest.fixture(scope="module")
def payloads(objs, django_db_blocker):  # noqa: F811 - the matrix's fixture
    with django_db_blocker.unblock():
        return inject_payloads()


def test_the_sweep_fills_the_fields_users_can_enter(payloads):
    for field in [
        "Plan.title",
        "Plan.summary",
        "Plan.vision",
        "Priority.title",
        "Outcome.title",
        "Objective.title",
        "Action.description",
        "Action.success_criteria",
        "Action.lead_text",
        "SubAction.description",
        "StatusUpdate.commentary",
        "StatusUpdate.issue",
        "StatusUpdate.mitigation",
        "Measure.title",
        "Measure.definition",
        "Board.name",
        "Board.purpose",
        "Person.name",
    ]:
        assert field in payloads


def admin_pages(objs):  # noqa: F811
    # Every page the superuser may open: every council's records.
    entries = [e for e in all_entries() if e.get.get("superuser") == 200]
    seen = set()
    for entry in entries:
        query = entry.query(objs) if callable(entry.query) else entry.query
        url = reverse(entry.name, kwargs=entry.kwargs(objs)) + query
        if url not in seen:
            seen.add(url)
            yield entry.name, url


class Tags(HTMLParser):
    """Every start tag of a page with its attributes (escaped text never makes a tag)."""

    def __init__(self, html):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert_html(url, html):
    for raw in RAW:
        assert raw not in html, f"{url}: unescaped {raw!r}"
    for tag, attrs in Tags(html).tags:
        for name in attrs:
            assert not name.startswith("on"), f"{url}: <{tag} {name}=...>"


def javascript_links(html) -> list[str]:
    return [
        f"<{tag} {name}={value!r}>"
        for tag, attrs in Tags(html).tags
        for name, value in attrs.items()
        if name in {"href", "src", "action", "formaction"}
        and (value or "").strip().lower().startswith("javascript:")
    ]


def assert_no_inline_script_or_style(url, html):
    for tag, attrs in Tags(html).tags:
        assert "style" not in attrs, f"{url}: <{tag} style=...>"
        assert tag != "style", f"{url}: <style> element"
        if tag == "script":
            assert "src" in attrs or attrs.get("type") == "application/json", (
                f"{url}: inline <script>"
            )


def check_download(url, response):
    content_type = response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("text/csv"):
        for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), f"{url}: formula {cell!r}"
    elif "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (
                        f"{url}: formula in {sheet.title}!{cell.coordinate}"
                    )


def test_every_page_renders_user_text_inert(payloads, objs):  # noqa: F811
    client = client_for("superuser", objs)
    shown = set()
    for name, url in admin_pages(objs):
        response = client.get(url)
        assert response.status_code == 200, url
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            html = response.content.decode()
            assert_inert_html(url, html)
            assert_no_inline_script_or_style(url, html)
            if ESCAPED in html:
                shown.add(name)
        else:
            check_download(url, response)
    # The sweep means something only if the payloads reached the pages.
    for name in [
        "plans:list",
        "plans:detail",
        "actions:detail",
        "measures:list",
        "measures:detail",
        "plans:boards",
        "plans:board",
        "plans:meeting",
    ]:
        assert name in shown, f"{name} did not show the payload"


def test_stored_links_never_become_javascript_urls(payloads, objs):  # noqa: F811
    """Every URL field holds javascript:alert(1) (as a row written without validation, by an
    import say, could): no page may make it a link."""
    client = client_for("superuser", objs)
    found = []
    for _name, url in admin_pages(objs):
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            found += [f"{url}: {link}" for link in javascript_links(response.content.decode())]
    assert found == []


def admin_model_urls():
    for model in admin.site._registry:
        if model._meta.app_label in APPS:
            yield model


@pytest.mark.parametrize(
    "model", list(admin_model_urls()), ids=lambda m: f"{m._meta.app_label}.{m.__name__}"
)
def test_admin_pages_render_user_text_inert(model, payloads, objs):  # noqa: F811
    client = client_for("superuser", objs)
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{info}_changelist")]
    obj = model.objects.order_by("pk").first()
    if obj is not None:
        urls.append(reverse(f"{info}_change", args=[obj.pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert_html(url, response.content.decode())
        assert javascript_links(response.content.decode()) == [], url
    if obj is not None and model.__name__ not in SYSTEM_MODELS and any(text_fields(model)):
        assert ESCAPED in response.content.decode(), f"{url} did not show the payload"
