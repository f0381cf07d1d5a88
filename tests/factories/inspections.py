"""Builders for the inspection tests: an inspection with numbered findings, actions answering
them, recorded at a known moment when asked."""

from datetime import date

from inspections.models import Inspection, Recommendation, RecommendationAction
from tests import factories


def inspection(organisation=None, *, plans=(), findings=0, **kw) -> Inspection:
    kw.setdefault("kind", Inspection.Kind.FULL)
    kw.setdefault("title", "Inspection of children's social care services")
    kw.setdefault("inspectorate", "Ofsted")
    kw.setdefault("on_site_start", date(2022, 3, 7))
    kw.setdefault("on_site_end", date(2022, 3, 18))
    kw.setdefault("report_received", date(2022, 4, 1))
    obj = Inspection.objects.create(organisation=organisation or factories.organisation(), **kw)
    obj.plans.set(plans)
    for n in range(1, findings + 1):
        recommendation(obj, number=str(n))
    return obj


def recommendation(inspection_obj, number="1", **kw) -> Recommendation:
    kw.setdefault("text", f"Improve the quality of practice, recommendation {number}.")
    kw.setdefault("order", int(number) if number.isdigit() else 0)
    return Recommendation.objects.create(inspection=inspection_obj, number=number, **kw)


def link(recommendation_obj, *actions, at=None):
    from tests.factories.boards import recorded_at

    links = []
    for action in actions:
        if at is None:
            links.append(
                RecommendationAction.objects.create(
                    recommendation=recommendation_obj, action=action
                )
            )
        else:
            with recorded_at(at):
                links.append(
                    RecommendationAction.objects.create(
                        recommendation=recommendation_obj, action=action, created_at=at
                    )
                )
    return links
