"""Public progress pages: published only for plans that opted in, only from issued board packs,
without personal names, with small numbers suppressed; unchanged by live data until the next
pack; cacheable; an Atom feed; nothing unpublished reachable by guessing addresses."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from defusedxml import ElementTree as ET
from django.test import Client
from django.utils import timezone

from actions.services import status_update_record
from measures.models import Comparator, MeasureValue, PopulationEstimate
from measures.services import measure_value_correct
from publishing.models import PublicAction, Publication, PublicPerson, PublishedPlan
from tests import factories
from tests.factories import api as api_f

pytestmark = pytest.mark.django_db

LEAD_NAME = "Jane Smith"
LEAD_POST = "Head of Early Help"
AUTHOR = "Adele Moore"


@pytest.fixture
def alpha():
    council = api_f.council("Alpha", plans=2, actions=3, measures=0)
    plan = council.plans[0]
    lead = factories.person(name=LEAD_NAME, job_title=LEAD_POST)
    for action in plan.actions.all():
        action.lead = lead
        action.save()
        status_update_record(
            action=action,
            lifecycle="in_progress",
            confidence="amber",
            commentary=f"Secret commentary {action.number}",
            author_name=AUTHOR,
        )
    counted = factories.measure(code="CP-COUNT", title="Children on a plan", unit="count")
    share = factories.measure(code="CL-PCT", title="Care leavers in work", unit="percentage")
    for measure in (counted, share):
        measure.plans.add(plan)
    for year, value in ((2021, 454), (2022, 3)):
        MeasureValue.objects.create(
            measure=counted,
            period_start=date(year, 4, 1),
            period_end=date(year + 1, 3, 31),
            label=f"{year}/{str(year + 1)[2:]}",
            value=Decimal(value),
        )
    for year, (num, den) in ((2021, (40, 80)), (2022, (98, 100))):
        MeasureValue.objects.create(
            measure=share,
            period_start=date(year, 4, 1),
            period_end=date(year + 1, 3, 31),
            label=f"{year}/{str(year + 1)[2:]}",
            value=(Decimal(num) / Decimal(den) * 100).quantize(Decimal("0.1")),
            numerator=Decimal(num),
            denominator=Decimal(den),
        )
    rate = factories.measure(code="LAC-RATE", title="Looked after rate", unit="rate_per_10000")
    rate.plans.add(plan)
    population = PopulationEstimate.objects.create(area="Alpha", year=2021, count=32180)
    for year, value in ((2021, "141.1"), (2022, "0.9")):  # recorded without their counts
        MeasureValue.objects.create(
            measure=rate,
            period_start=date(year, 4, 1),
            period_end=date(year + 1, 3, 31),
            label=f"{year}/{str(year + 1)[2:]}",
            value=Decimal(value),
            population=population,
        )
    Comparator.objects.create(
        measure=share,
        kind=Comparator.Kind.ENGLAND,
        period_start=date(2022, 4, 1),
        period_end=date(2023, 3, 31),
        label="2022/23",
        value=Decimal("55.5"),
    )
    board = council.boards[0]
    board.meetings.all().delete()
    today = timezone.localdate()
    board.meetings.create(date=today)  # its pack is as at now
    board.meetings.create(date=today + timedelta(days=1))
    PublishedPlan.objects.create(plan=plan, enabled=True, introduction="How we are doing.")
    return council


def issue(admin_client, meeting, callbacks):
    with callbacks(execute=True):
        response = admin_client.post(f"/plans/meetings/{meeting.pk}/issue/")
    assert response.status_code == 302


def page(client, plan):
    """The page as the public sees it (``client`` may be the administrator's: not used)."""
    response = Client().get(f"/public/{plan.slug}/")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def published(alpha, admin_client, django_capture_on_commit_callbacks):
    first = alpha.boards[0].meetings.order_by("date").first()
    issue(admin_client, first, django_capture_on_commit_callbacks)
    return alpha


def test_an_issued_pack_publishes_the_plans_that_opted_in(published):
    plan, other = published.plans
    assert Publication.objects.filter(plan=plan).count() == 1
    assert not Publication.objects.filter(plan=other).exists()


def test_the_page_needs_no_sign_in_and_shows_the_plan(client, published):
    plan = published.plans[0]
    html = page(client, plan)
    assert plan.title in html
    assert "How we are doing." in html
    assert "Summary by priority" in html
    assert "Amber" in html  # ratings as words
    assert "Children on a plan" in html and "England average" in html and "55.5" in html
    assert "<svg" in html  # a chart, with its figures in a table


def test_no_personal_names_only_posts(client, published):
    html = page(client, published.plans[0])
    assert LEAD_NAME not in html
    assert AUTHOR not in html
    assert LEAD_POST in html


def test_a_person_marked_public_is_named(
    client, alpha, admin_client, django_capture_on_commit_callbacks
):
    lead = alpha.plans[0].actions.first().lead
    PublicPerson.objects.create(person=lead, name_public=True)
    issue(
        admin_client,
        alpha.boards[0].meetings.order_by("date").first(),
        django_capture_on_commit_callbacks,
    )
    assert f"{LEAD_NAME}, {LEAD_POST}" in page(client, alpha.plans[0])


def test_commentary_only_where_the_owner_made_it_public(
    client, alpha, admin_client, django_capture_on_commit_callbacks
):
    plan = alpha.plans[0]
    chosen = plan.actions.order_by("pk").first()
    PublicAction.objects.create(action=chosen, commentary_public=True)
    issue(
        admin_client,
        alpha.boards[0].meetings.order_by("date").first(),
        django_capture_on_commit_callbacks,
    )
    html = page(client, plan)
    assert f"Secret commentary {chosen.number}" in html
    others = plan.actions.exclude(pk=chosen.pk)
    assert all(f"Secret commentary {a.number}" not in html for a in others)
    # Made private again: hidden at once, without waiting for the next pack.
    PublicAction.objects.filter(action=chosen).update(commentary_public=False)
    assert f"Secret commentary {chosen.number}" not in page(client, plan)


def test_small_numbers_are_suppressed_with_the_meaning_stated(client, published):
    html = page(client, published.plans[0])
    measures = html[html.index('id="measures"') :]
    assert "children, or a figure from which such a number could be" in measures
    assert ">454<" in measures
    assert ">3<" not in measures  # the count of 3 children
    # 98 of 100: the 2 not counted could be worked out, so the count and the percentage go.
    assert "98" not in measures
    assert ">40<" in measures and ">80<" in measures  # 40 of 80 is published
    assert ">c<" in measures
    # A rate recorded without its count: 0.9 per 10,000 of 32,180 is 3 children.
    assert ">141.1<" in measures and ">0.9<" not in measures


def test_live_changes_do_not_reach_the_page_until_the_next_pack(
    client, published, admin_client, django_capture_on_commit_callbacks
):
    plan = published.plans[0]
    before = page(client, plan)
    action = plan.actions.order_by("pk").first()
    action.description = "A brand new description"
    action.save()
    status_update_record(action=action, lifecycle="complete", commentary="Done")
    value = MeasureValue.objects.get(measure__code="CP-COUNT", label="2021/22")
    measure_value_correct(value=value, new_value=Decimal(999), reason="Recount")
    assert page(client, plan) == before

    second = published.boards[0].meetings.order_by("date").last()
    issue(admin_client, second, django_capture_on_commit_callbacks)
    after = page(client, plan)
    assert "A brand new description" in after and ">999<" in after
    # The earlier report stays as it was, at its own address.
    earlier = Publication.objects.filter(plan=plan).order_by("as_at").first()
    old = Client().get(f"/public/{plan.slug}/{earlier.pk}/").content.decode()
    assert "A brand new description" not in old and "earlier report" in old


def test_nothing_unpublished_is_reachable(published):
    client = Client()
    plan, other = published.plans
    assert client.get(f"/public/{other.slug}/").status_code == 404
    assert client.get(f"/public/{other.slug}/feed/").status_code == 404
    publication = Publication.objects.get(plan=plan)
    assert client.get(f"/public/{other.slug}/{publication.pk}/").status_code == 404
    assert client.get(f"/public/{plan.slug}/{publication.pk + 1000}/").status_code == 404
    assert client.get("/public/no-such-plan/").status_code == 404
    PublishedPlan.objects.filter(plan=plan).update(enabled=False)
    assert client.get(f"/public/{plan.slug}/").status_code == 404
    assert client.get(f"/public/{plan.slug}/{publication.pk}/").status_code == 404
    assert plan.title not in client.get("/public/").content.decode()


def test_a_plan_not_opted_in_is_never_published(
    client, alpha, admin_client, django_capture_on_commit_callbacks
):
    PublishedPlan.objects.all().delete()
    issue(
        admin_client,
        alpha.boards[0].meetings.order_by("date").first(),
        django_capture_on_commit_callbacks,
    )
    assert not Publication.objects.exists()
    assert Client().get(f"/public/{alpha.plans[0].slug}/").status_code == 404


def test_opting_in_later_publishes_from_the_latest_pack(
    client, alpha, admin_client, django_capture_on_commit_callbacks
):
    PublishedPlan.objects.all().delete()
    issue(
        admin_client,
        alpha.boards[0].meetings.order_by("date").first(),
        django_capture_on_commit_callbacks,
    )
    plan = alpha.plans[0]
    response = admin_client.post(
        "/admin/publishing/publishedplan/add/",
        {"plan": plan.pk, "enabled": "on", "introduction": ""},
    )
    assert response.status_code == 302
    assert Publication.objects.filter(plan=plan).count() == 1
    assert Client().get(f"/public/{plan.slug}/").status_code == 200


def test_pages_are_cacheable_and_answer_304(published):
    client = Client()
    plan = published.plans[0]
    response = client.get(f"/public/{plan.slug}/")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    again = client.get(f"/public/{plan.slug}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert response.has_header("Last-Modified")
    assert "sessionid" not in response.cookies


def test_the_atom_feed_lists_each_publication(
    client, published, admin_client, django_capture_on_commit_callbacks
):
    plan = published.plans[0]
    second = published.boards[0].meetings.order_by("date").last()
    issue(admin_client, second, django_capture_on_commit_callbacks)
    response = Client().get(f"/public/{plan.slug}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == 2
    summary = entries[0].find("a:summary", ns).text
    assert "actions" in summary and "changed since" in summary
    assert LEAD_NAME not in response.content.decode()


def test_the_public_list(published):
    html = Client().get("/public/").content.decode()
    assert published.plans[0].title in html
    assert published.plans[1].title not in html


def test_text_from_the_pack_is_escaped(alpha, admin_client, django_capture_on_commit_callbacks):
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    plan = alpha.plans[0]
    action = plan.actions.order_by("pk").first()
    action.description = payload
    action.save()
    PublicAction.objects.create(action=action, commentary_public=True)
    status_update_record(
        action=action, lifecycle="in_progress", confidence="red", commentary=payload
    )
    issue(
        admin_client,
        alpha.boards[0].meetings.order_by("date").first(),
        django_capture_on_commit_callbacks,
    )
    html = page(admin_client, plan)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    feed = Client().get(f"/public/{plan.slug}/feed/").content.decode()
    assert "<script>" not in feed
