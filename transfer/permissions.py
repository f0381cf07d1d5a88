"""Which imports an administrator may see and commit: those of their organisations (ADR 0012).

An import into a plan belongs to the plan's organisation; one without a plan (a new plan not
yet committed, or measure values) to the organisations of the user who uploaded it. Imports may
only target the plans and measures of the administrator's organisations (the upload forms offer
no other, and the measure-values importer matches codes among them alone)."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from core.permissions import administered_organisation_ids, users_of_organisations_q
from transfer.models import PlanImport


def imports_of_organisations_q(ids) -> Q:
    users = get_user_model().objects.filter(users_of_organisations_q(ids)).values("pk")
    return Q(plan__organisation_id__in=ids) | Q(plan__isnull=True, uploaded_by__in=users)


def imports_visible_to(user):
    ids = administered_organisation_ids(user)
    if ids is None:
        return PlanImport.objects.all()
    return PlanImport.objects.filter(imports_of_organisations_q(ids))
