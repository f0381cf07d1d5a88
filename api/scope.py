"""What a caller of the API may see: the same rules as the pages.

- **A key** sees the plans of the organisations on its list and the plans on its list, nothing
  else: those plans' structure, actions, updates and reporting periods; the measures linked to
  those plans or belonging to its organisations, with their values, targets and comparators; the
  boards of its organisations or overseeing its plans, with their meetings; the inspections of
  its organisations or that its plans respond to, with their judgements, findings, deadlines and
  what monitoring visits said.
- **A signed-in user** (the session of the pages, for reads only) sees what the pages show them
  (``plans.permissions.plans_visible_to``, ``boards.permissions.boards_visible_to``,
  ``inspections.permissions.inspections_visible_to``: their organisations' and what their boards
  oversee, ADR 0012); measures follow the plans they are linked to.
- **In the admin**, an administrator who is not a superuser sees and makes only the keys within
  their organisations (``keys_of_organisations_q``), so no key they make reads another's plans.

Every rule is a subquery of the one list query, so the scope costs no query of its own (only a
signed-in user's roles are read once)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet

from api.models import ApiKey
from boards.models import Board
from boards.permissions import boards_visible_to
from core.models import Organisation
from core.permissions import reads_all_plans, users_of_organisations_q
from inspections.models import Inspection
from inspections.permissions import inspections_visible_to
from measures.models import Measure, MeasureValue, PopulationEstimate
from plans.models import Plan
from plans.permissions import plans_visible_to

NOTHING = Q(pk__in=[])


@dataclass
class Scope:
    key: ApiKey | None = None
    user: object | None = None

    @classmethod
    def for_request(cls, request) -> Scope:
        key = request.auth if isinstance(request.auth, ApiKey) else None
        return cls(key=key, user=None if key else request.user)

    # The key's own lists, as subqueries ------------------------------------------------------
    def _key_organisation_ids(self):
        return ApiKey.organisations.through.objects.filter(apikey_id=self.key.pk).values(
            "organisation_id"
        )

    def _key_plan_ids(self):
        return ApiKey.plans.through.objects.filter(apikey_id=self.key.pk).values("plan_id")

    # Rules ---------------------------------------------------------------------------------
    @cached_property
    def all_plans(self) -> bool:
        """True when every plan is visible: a signed-in superuser only. Everyone else, and every
        key, sees what the organisation boundary gives them (ADR 0012)."""
        return self.key is None and self.user is not None and reads_all_plans(self.user)

    def plan_ids(self):
        """The visible plans' ids as a subquery (or None: every plan)."""
        if self.all_plans:
            return None
        if self.key is not None:
            return Plan.objects.filter(
                Q(organisation_id__in=self._key_organisation_ids()) | Q(pk__in=self._key_plan_ids())
            ).values("pk")
        if self.user is None:
            return Plan.objects.none().values("pk")
        return plans_visible_to(self.user).values("pk")

    def plans_q(self, path: str = "pk") -> Q:
        """A filter keeping rows whose plan (at ``path``) is visible."""
        ids = self.plan_ids()
        return Q() if ids is None else Q(**{f"{path}__in": ids})

    def organisations_q(self, path: str = "pk") -> Q:
        if self.all_plans:
            return Q()
        owning = Plan.objects.filter(self.plans_q()).values("organisation_id")
        q = Q(**{f"{path}__in": owning})
        if self.key is not None:
            q |= Q(**{f"{path}__in": self._key_organisation_ids()})
        return q

    def measures_q(self, path: str = "pk") -> Q:
        if self.all_plans:
            return Q()
        linked = Measure.plans.through.objects.filter(self.plans_q("plan_id")).values("measure_id")
        q = Q(**{f"{path}__in": linked})
        if self.key is not None:
            owned = Measure.objects.filter(organisation_id__in=self._key_organisation_ids()).values(
                "pk"
            )
            q |= Q(**{f"{path}__in": owned})
        return q

    def populations_q(self, path: str = "pk") -> Q:
        """Population estimates: a council's own (by their organisation), those the visible
        measures' values use, and shared ones (no organisation) that no value uses yet."""
        if self.all_plans:
            return Q()
        used = MeasureValue.objects.filter(population__isnull=False)
        theirs = used.filter(self.measures_q("measure_id")).values("population_id")
        visible = Organisation.objects.filter(self.organisations_q()).values("pk")
        own = PopulationEstimate.objects.filter(organisation_id__in=visible).values("pk")
        shared = (
            PopulationEstimate.objects.filter(organisation__isnull=True)
            .exclude(pk__in=used.values("population_id"))
            .values("pk")
        )
        return (
            Q(**{f"{path}__in": theirs}) | Q(**{f"{path}__in": own}) | Q(**{f"{path}__in": shared})
        )

    def boards_q(self, path: str = "pk") -> Q:
        if self.all_plans:
            return Q()
        if self.key is not None:
            overseeing = Board.plans.through.objects.filter(self.plans_q("plan_id")).values(
                "board_id"
            )
            owned = Board.objects.filter(organisation_id__in=self._key_organisation_ids()).values(
                "pk"
            )
            return Q(**{f"{path}__in": overseeing}) | Q(**{f"{path}__in": owned})
        if self.user is None:
            return NOTHING
        return Q(**{f"{path}__in": boards_visible_to(self.user).values("pk")})

    def inspections_q(self, path: str = "pk") -> Q:
        if self.all_plans:
            return Q()
        if self.key is not None:
            responding = Inspection.plans.through.objects.filter(self.plans_q("plan_id")).values(
                "inspection_id"
            )
            owned = Inspection.objects.filter(
                organisation_id__in=self._key_organisation_ids()
            ).values("pk")
            return Q(**{f"{path}__in": responding}) | Q(**{f"{path}__in": owned})
        if self.user is None:
            return NOTHING
        return Q(**{f"{path}__in": inspections_visible_to(self.user).values("pk")})

    # Convenience ---------------------------------------------------------------------------
    def plans(self) -> QuerySet[Plan]:
        return Plan.objects.filter(self.plans_q())

    def organisations(self) -> QuerySet[Organisation]:
        return Organisation.objects.filter(self.organisations_q())

    def measures(self) -> QuerySet[Measure]:
        return Measure.objects.filter(self.measures_q())

    @property
    def can_write(self) -> bool:
        return self.key is not None and self.key.can_write


def keys_of_organisations_q(ids, path: str = "pk") -> Q:
    """The keys that reach only the organisations ``ids`` (ADR 0012): at least one of their
    organisations or plans is theirs (or, for a key that reaches nothing yet, its maker is one of
    their users), and none is another's. What an administrator who is not a superuser sees and
    keeps in the admin; a key of two councils is the installation's (superusers')."""
    through_orgs = ApiKey.organisations.through.objects
    through_plans = ApiKey.plans.through.objects
    inside = (
        Q(pk__in=through_orgs.filter(organisation_id__in=ids).values("apikey_id"))
        | Q(pk__in=through_plans.filter(plan__organisation_id__in=ids).values("apikey_id"))
        | Q(
            pk__in=ApiKey.objects.filter(users_of_organisations_q(ids, "created_by__")).values("pk")
        )
    )
    outside = Q(pk__in=through_orgs.exclude(organisation_id__in=ids).values("apikey_id")) | Q(
        pk__in=through_plans.exclude(plan__organisation_id__in=ids).values("apikey_id")
    )
    keys = ApiKey.objects.filter(inside).exclude(outside).values("pk")
    return Q(**{f"{path}__in": keys})
