"""With the demo data: a board member sees the portfolio of the plans their board oversees; every
seed plan's dashboard and exception report open; the Middlesbrough figure of 141.1 per 10,000
children looked after is on its plan's dashboard."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Plan

pytestmark = pytest.mark.django_db

SEED_PLANS = [
    "stockton-cs-strategy-2017-20",
    "middlesbrough-early-help-2018-22",
    "stockton-improvement-plan-2023",
    "stockton-cyp-strategy-2019-24",
    "wokingham-cs-strategy-2021-24",
]


def sign_in(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_councillor_portfolio_shows_the_plan_their_board_oversees(demo_data, db, client):
    html = sign_in(client, "councillor").get(reverse("plans:portfolio")).content.decode()
    assert "Improvement Plan" in html
    assert "Children&#x27;s Services Strategy 2017-20" not in html
    assert "Next board meeting" in html and "What the ratings mean" in html


@pytest.mark.parametrize("slug", SEED_PLANS)
def test_every_seed_plan_has_a_dashboard_and_an_exception_report(slug, demo_data, db, client):
    plan = Plan.objects.get(slug=slug)
    sign_in(client, "admin")
    dashboard = client.get(reverse("plans:dashboard", kwargs={"slug": slug}))
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert plan.priority_label in html and "<svg" in html and "What the ratings mean" in html
    report = client.get(reverse("plans:exceptions", kwargs={"slug": slug}))
    assert report.status_code == 200


def test_councillor_sees_the_improvement_plan_dashboard(demo_data, db, client):
    sign_in(client, "councillor")
    url = reverse("plans:dashboard", kwargs={"slug": "stockton-improvement-plan-2023"})
    html = client.get(url).content.decode()
    assert "Improvement area 1: Our People" in html
    assert "What changed since the last board meeting" in html and "Good and Beyond Board" in html


def test_middlesbrough_dashboard_shows_141_1_children_looked_after(demo_data, db, client):
    sign_in(client, "admin")
    url = reverse("plans:dashboard", kwargs={"slug": "middlesbrough-early-help-2018-22"})
    measures = {m["code"]: m for m in client.get(url).context["measures"]}
    assert measures["MBRO-LAC"]["latest"] == "141.1"
