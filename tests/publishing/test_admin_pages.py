"""The admin pages of the api and publishing apps open for an administrator (changelist, add,
change, history), with no query per row."""

import pytest
from django.urls import reverse

from api.models import ApiKey, ApiKeyUse
from publishing.models import PublicAction, Publication, PublicPerson, PublishedPlan
from tests import factories
from tests.factories import api as api_f

pytestmark = pytest.mark.django_db

MODELS = [ApiKey, ApiKeyUse, PublishedPlan, PublicAction, PublicPerson, Publication]


@pytest.fixture
def records(admin_client):
    alpha = api_f.council("Alpha", plans=1, actions=1, measures=0)
    key, raw = api_f.api_key(organisations=[alpha.organisation])
    admin_client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    plan = alpha.plans[0]
    PublishedPlan.objects.create(plan=plan, enabled=False)
    PublicAction.objects.create(action=plan.actions.first(), commentary_public=True)
    PublicPerson.objects.create(person=factories.person(), name_public=True)
    return alpha


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_open(model, admin_client, records):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{info}_changelist")).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert admin_client.get(reverse(f"{info}_change", args=[obj.pk])).status_code == 200
    add = admin_client.get(reverse(f"{info}_add"))
    assert add.status_code in (200, 403)


def test_api_key_history_page(admin_client, records):
    key = ApiKey.objects.get()
    assert admin_client.get(reverse("admin:api_apikey_history", args=[key.pk])).status_code == 200
