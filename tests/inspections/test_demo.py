"""The demo shows the inspection cycle for the Stockton Improvement Plan: the focused visit with
the four findings the plan numbers, the plan's tagged actions answering them, a deadline, the
June 2023 review, a self-evaluation; everything not from the seed is marked illustrative."""

import pytest
from django.urls import reverse

from inspections.demo import TITLE, load_demo_inspections
from inspections.models import Inspection, Recommendation, SelfEvaluation
from inspections.selectors import recommendation_progress

pytestmark = pytest.mark.django_db


def test_the_demo_links_the_plans_tagged_actions_to_the_four_findings(demo_data, client):
    visit = Inspection.objects.get(title=TITLE)
    assert visit.illustrative and "seed 002" in visit.illustrative_note
    assert list(visit.recommendations.values_list("number", flat=True)) == ["1", "2", "3", "4"]
    assert all(r.illustrative for r in visit.recommendations.all())
    for rec in visit.recommendations.all():
        tags = {t.name for a in rec.actions.all() for t in a.tags.all()}
        assert tags == {f"Ofsted Improvement Action {rec.number}"}
    assert Recommendation.objects.get(inspection=visit, number="4").actions.count() == 2
    assert visit.deadlines.get().due is not None
    review = visit.follow_ups.get()
    assert review.illustrative and review.visit_findings.count() == 2
    assert SelfEvaluation.objects.get(year="2023/24").illustrative
    assert load_demo_inspections() is None  # idempotent

    plan = visit.plans.get()
    rows = recommendation_progress([plan.pk])
    assert [r.recommendation.number for r in rows] == ["1", "2", "3", "4"]
    assert all(r.total for r in rows)
    # The links date from April 2023: a pack as at March 2023 shows findings, no actions.
    assert all(r.total == 0 for r in recommendation_progress([plan.pk], as_at=visit.published))

    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="councillor"))
    html = client.get(visit.get_absolute_url()).content.decode()
    assert "Illustrative demo data" in html and "illustrative wording" in html
    assert client.get(reverse("inspections:readiness", args=[plan.slug])).status_code == 200
