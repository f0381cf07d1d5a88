"""The Django admin kept within an administrator's organisations (ADR 0012), with the demo data:
Stockton's administrator (council A, not a superuser) never sees Middlesbrough's (council B) or
Wokingham's records in any changelist, its search, its list filters, the autocomplete, a change,
history or delete page, or a choice of a form; the superuser sees every council."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from actions.models import ReminderSent, ReportingPeriod
from api.keys import api_key_create
from api.models import ApiKey, ApiKeyUse
from boards.models import IssuedPack, Meeting, PackFile
from core.admin_scope import OrganisationScopedAdmin
from core.models import AuditEvent, Organisation
from inspections.models import DeadlineReminder, Inspection, VisitFinding
from plans.models import Plan
from publishing.models import PublicAction, PublicPerson, PublishedPlan
from tests.matrix import (
    COUNCIL_B_CODES,
    COUNCIL_B_WORDS,
    COUNCIL_C_WORDS,
    mentions,
)
from tests.matrix.records import b_records
from transfer.models import PlanImport

pytestmark = pytest.mark.django_db

LEAKS = COUNCIL_B_WORDS + COUNCIL_C_WORDS


def login(username) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def scoped_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, OrganisationScopedAdmin)
    ]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture(scope="module")
def councils(demo_data, django_db_blocker):
    """The two councils, with records of council B the demo does not make: an issued pack and
    its stored PDF, an upload, a reminder, an audit event of its officer, an inspection with its
    finding, deadlines, a visit's finding and a reminder, a self-evaluation, an API key and its
    use, and what is published of its plan."""
    with django_db_blocker.unblock():
        b = Organisation.objects.get(name="Middlesbrough Council")
        User = get_user_model()
        b_officer = User.objects.get(username="middlesbrough.officer")
        meeting = Meeting.objects.filter(board__organisation=b).order_by("pk").first()
        issued = IssuedPack.objects.create(
            meeting=meeting,
            issued_by=User.objects.get(username="admin"),
            as_at=timezone.now(),
            snapshot={},
        )
        PackFile.objects.create(
            meeting=meeting,
            issued_pack=issued,
            format=PackFile.Format.PDF,
            fingerprint=f"issued-{issued.pk}",
            file="packs/2024/01/middlesbrough-board-pack.pdf",
            filename="middlesbrough-board-pack.pdf",
            content_type="application/pdf",
            sha256="0" * 64,
            size=1,
        )
        PlanImport.objects.create(
            kind=PlanImport.Kind.MEASURE_VALUES,
            uploaded_by=User.objects.get(username="middlesbrough.admin"),
            filename="middlesbrough-values.csv",
            content=b"",
        )
        period = ReportingPeriod.objects.filter(plan__organisation=b).order_by("pk").first()
        ReminderSent.objects.create(
            kind=ReminderSent.Kind.DIGEST, person=b_officer.person, period=period
        )
        AuditEvent.objects.create(
            kind=AuditEvent.Kind.EXPORT, user=b_officer, username=b_officer.username
        )
        b_later_records(b, b_officer)
        return {
            "a": Organisation.objects.get(name="Stockton-on-Tees Borough Council"),
            "b": b,
        }


def b_later_records(b, b_officer) -> None:
    """Council B's records of the apps merged after the boundary (inspections, api,
    publishing)."""
    b_plan = Plan.objects.get(slug="middlesbrough-early-help-2018-22")
    records = b_records(b_plan)
    inspection = records["b_inspection"]
    visit = Inspection.objects.create(
        organisation=b,
        kind=Inspection.Kind.MONITORING,
        title="Middlesbrough monitoring visit",
        follows=inspection,
        on_site_start=date(2023, 9, 4),
    )
    VisitFinding.objects.create(
        visit=visit, recommendation=records["b_finding"], said="Middlesbrough: some progress"
    )
    DeadlineReminder.objects.create(
        deadline=records["b_deadline"],
        person=b_officer.person,
        stage="10",
        due=date(2023, 5, 1),
    )
    key, _ = api_key_create(
        created_by=get_user_model().objects.get(username="middlesbrough.admin"),
        organisations=[b],
        plans=[],
        access=ApiKey.Access.READ,
        name="Middlesbrough BI",
    )
    ApiKeyUse.objects.create(
        key=key, method="GET", path="/api/v1/plans/?q=Middlesbrough", status=200
    )
    action = b_plan.actions.order_by("pk").first()
    PublishedPlan.objects.create(plan=b_plan, enabled=True)
    PublicAction.objects.create(action=action, commentary_public=True)
    PublicPerson.objects.create(person=b_officer.person, name_public=True)


def test_every_admin_of_a_record_with_an_organisation_is_scoped():
    """A new model's admin must say how its records reach an organisation (or be one of the
    superuser-only pages, or Django's own user and group pages)."""
    unscoped = {
        f"{model._meta.app_label}.{model.__name__}"
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, OrganisationScopedAdmin)
    }
    assert unscoped <= {
        "auth.User",
        "auth.Group",
        "accounts.OrganisationSignIn",
        "accounts.ExternalIdentity",
        "accounts.Membership",
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        # django-tasks' own result rows: not an administered app (core.apps.ADMINISTERED_APPS),
        # so superusers only; organisations' administrators see their users' Jobs instead.
        "django_tasks_database.DBTaskResult",
    }, unscoped


@pytest.mark.parametrize(
    "model,model_admin", scoped_admins(), ids=lambda x: getattr(x, "__name__", "")
)
def test_changelists_search_and_filters_never_mention_another_council(model, model_admin, councils):
    client = login("stockton.admin")
    # Searches for part of another council's words (the page repeats what was searched for).
    for query in ("", "?q=iddlesbroug", "?q=arly+Hel", "?q=okingha"):
        response = client.get(admin_url(model, "changelist") + query)
        assert response.status_code == 200
        leaked = mentions(text(response), LEAKS, COUNCIL_B_CODES)
        assert not leaked, f"{model.__name__} changelist{query}: {leaked}"


@pytest.mark.parametrize(
    "model,model_admin", scoped_admins(), ids=lambda x: getattr(x, "__name__", "")
)
def test_another_councils_record_is_not_found_by_id(model, model_admin, councils):
    theirs = model_admin.scope_to(model._default_manager.all(), frozenset({councils["b"].pk}))
    ours = model_admin.scope_to(model._default_manager.all(), frozenset({councils["a"].pk}))
    record = theirs.exclude(pk__in=ours.values("pk")).order_by("pk").first()
    if record is None:
        pytest.skip(f"the demo has no record of {model.__name__} for Middlesbrough alone")
    client = login("stockton.admin")
    # 404 as for a record that does not exist; 403 where the page is refused to everyone but
    # superusers anyway (deleting a read-only record, say), before the record is looked up.
    for view in ("change", "history", "delete"):
        url = admin_url(model, view, record.pk)
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert not mentions(text(response), LEAKS, COUNCIL_B_CODES), url
    assert client.get(admin_url(model, "change", record.pk)).status_code == 404
    assert client.post(admin_url(model, "change", record.pk), {}).status_code in (403, 404)
    try:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history",
            args=[record.pk, 1],
        )
    except NoReverseMatch:
        return
    assert client.get(url).status_code == 404
    # The superuser administers the installation.
    assert login("admin").get(admin_url(model, "change", record.pk)).status_code == 200


def autocomplete_cases():
    for model, model_admin in admin.site._registry.items():
        for field in model_admin.autocomplete_fields:
            yield pytest.param(model, field, id=f"{model.__name__}.{field}")


@pytest.mark.parametrize("model,field", list(autocomplete_cases()))
def test_autocomplete_never_offers_another_councils_records(model, field, councils):
    client = login("stockton.admin")
    for term in ("", "iddlesbroug", "arly Hel", "okingha"):
        response = client.get(
            "/admin/autocomplete/",
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field,
                "term": term,
            },
        )
        if response.status_code == 403:  # e.g. user accounts: superusers only
            continue
        assert response.status_code == 200
        leaked = mentions(text(response), LEAKS, COUNCIL_B_CODES)
        assert not leaked, f"{model.__name__}.{field} term={term!r}: {leaked}"


def test_the_superuser_sees_every_council(councils):
    html = text(login("admin").get(admin_url(Plan, "changelist")))
    assert "Early Help Strategy" in html and "Improvement Plan" in html and "Wokingham" in html


def test_an_administrator_cannot_give_a_plan_to_another_council(councils):
    client = login("stockton.admin")
    response = client.post(
        admin_url(Plan, "add"),
        {
            "title": "Taken over",
            "slug": "taken-over",
            "kind": "strategy",
            "organisation": councils["b"].pk,
            "start": "2024-04-01",
            "end": "2025-03-31",
            "status": "draft",
            "priority_label": "Priority",
            "outcome_label": "Outcome",
            "objective_label": "Objective",
            "action_label": "Action",
            "numbering": "hierarchical",
            "reporting_cadence": "monthly",
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert "Select a valid choice" in text(response)
    assert not Plan.objects.filter(slug="taken-over").exists()


def test_the_audit_log_shows_an_administrator_their_organisations_users_only(councils):
    User = get_user_model()
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.EXPORT,
        user=User.objects.get(username="jane.smith"),
        username="jane.smith",
        summary="Stockton export",
    )
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.EXPORT,
        user=User.objects.get(username="middlesbrough.officer"),
        username="middlesbrough.officer",
        summary="Middlesbrough export",
    )
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.SIGN_IN_FAILED, username="someone", summary="Unknown sign-in"
    )
    html = text(login("stockton.admin").get(admin_url(AuditEvent, "changelist")))
    assert "Stockton export" in html
    assert "Middlesbrough export" not in html and "Unknown sign-in" not in html
    everything = text(login("admin").get(admin_url(AuditEvent, "changelist")))
    assert "Middlesbrough export" in everything and "Unknown sign-in" in everything
