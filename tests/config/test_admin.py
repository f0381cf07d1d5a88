"""Every model is in the admin, usable by administrators and closed to everyone else."""

import pytest
from django.contrib import admin
from django.urls import reverse

from actions.models import Action
from actions.services import status_update_record
from tests import factories

pytestmark = pytest.mark.django_db

REGISTERED = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"plans", "priorities", "actions", "measures"}
]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_project_model_is_registered():
    from django.apps import apps

    mine = {
        m
        for m in apps.get_models()
        if m._meta.app_label in {"plans", "priorities", "actions", "measures"}
        and not m.__name__.startswith("Historical")
    }
    assert mine == set(REGISTERED)


# Records the system writes itself: no demo rows, and no "add" page by design.
# Evidence attachments come only with an update, where their content is checked.
SYSTEM_RECORDS = {"AuditEvent", "IssuedPack", "PlanImport", "ReminderSent", "Attachment"}


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_changelist_change_add_and_history_pages_open_for_an_administrator(
    model, admin_client, demo_data
):
    assert admin_client.get(url(model, "changelist")).status_code == 200
    add_status = admin_client.get(url(model, "add")).status_code
    assert add_status == (403 if model.__name__ in SYSTEM_RECORDS else 200)
    obj = model.objects.order_by("pk").first()
    if model.__name__ in SYSTEM_RECORDS:
        return
    assert obj is not None, f"demo data has no {model.__name__}"
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_admin_is_refused_to_non_staff(model, client):
    client.force_login(factories.officer())
    response = client.get(url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_changelist_filters_work(admin_client, demo_data):
    changelist = url(Action, "changelist")
    for query in [
        "overdue=yes",
        "overdue=no",
        "rating__exact=red",
        "timescale=unparsed",
        "q=workforce",
    ]:
        assert admin_client.get(f"{changelist}?{query}").status_code == 200


def make_actions(n):
    plan = factories.plan()
    priority = factories.priority(plan)
    lead = factories.person()
    actions = [
        Action(plan=plan, priority=priority, number=str(i + 1), description=f"A{i}", lead=lead)
        for i in range(n)
    ]
    Action.objects.bulk_create(actions)
    for a in Action.objects.filter(plan=plan)[:3]:
        status_update_record(action=a, lifecycle="in_progress", confidence="amber")
    return plan


@pytest.mark.parametrize("n", [10, 1000])
def test_action_changelist_queries_do_not_grow_with_actions(
    n, admin_client, django_assert_max_num_queries
):
    plan = make_actions(n)
    with django_assert_max_num_queries(12):
        response = admin_client.get(url(Action, "changelist") + f"?all=&plan__id__exact={plan.pk}")
    assert response.status_code == 200
    assert response.context["cl"].result_count == n


def test_the_admin_menu_names_read_as_english(admin_client):
    """Django's default plural adds an "s": "Reminder sents". Every model's plural in the
    admin menu is its own word, never a past participle with an "s" on the end."""
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Reminders sent" in html
    assert "Reminder sents" not in html
    for model in admin.site._registry:
        plural = str(model._meta.verbose_name_plural)
        assert not plural.endswith(("sents", "eds")), (model, plural)
