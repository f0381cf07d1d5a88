"""The five seed plans load faithfully, and loading twice changes nothing."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.db.models import Count
from django.test import RequestFactory

from actions.models import Action, StatusUpdate, SubAction, Tag
from boards.models import Board
from core.models import Person
from demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, load_all
from measures.models import Measure, MeasureValue
from plans.models import Plan
from priorities.models import KeyIssue, Outcome, PlanStatement, Priority

pytestmark = pytest.mark.django_db

CS_2017 = "stockton-cs-strategy-2017-20"
EARLY_HELP = "middlesbrough-early-help-2018-22"
IMPROVEMENT = "stockton-improvement-plan-2023"
CYP = "stockton-cyp-strategy-2019-24"
WOKINGHAM = "wokingham-cs-strategy-2021-24"


def statements(slug, kind):
    return PlanStatement.objects.filter(plan__slug=slug, kind=kind).count()


def test_all_five_seed_plans_are_loaded(demo_data):
    assert set(Plan.objects.values_list("slug", flat=True)) == {
        CS_2017,
        EARLY_HELP,
        IMPROVEMENT,
        CYP,
        WOKINGHAM,
    }


def test_seed_000_strategy(demo_data):
    plan = Plan.objects.get(slug=CS_2017)
    assert plan.numbering == Plan.Numbering.CONTINUOUS
    assert KeyIssue.objects.filter(plan=plan).count() == 13
    priorities = list(Priority.objects.filter(plan=plan).order_by("order"))
    assert [p.number for p in priorities] == ["1", "2", "3", "4", "5"]
    cited = [sorted(int(i.number) for i in p.key_issues.all()) for p in priorities]
    assert cited == [[1, 2, 3], [3, 4, 5, 6], [2, 3, 7, 8, 9, 10], [8, 9, 10, 11], [11, 12]]
    numbers = sorted(
        int(n) for n in Action.objects.filter(plan=plan).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 38))
    per_priority = dict(
        Action.objects.filter(plan=plan).values_list("priority__number").annotate(n=Count("id"))
    )
    assert per_priority == {"1": 4, "2": 6, "3": 7, "4": 10, "5": 10}
    assert statements(CS_2017, "commitment") == 6
    assert statements(CS_2017, "focus_area") == 9
    assert PlanStatement.objects.filter(plan=plan, kind="focus_area", year="2017/18").count() == 9
    measures = Measure.objects.filter(plans=plan)
    assert measures.count() == 12
    assert measures.filter(annual_only=True).count() == 2
    boards = {b.name: b.cadence for b in Board.objects.filter(plans=plan)}
    assert boards == {
        "Cabinet": "quarterly",
        "Children and Young People Select Committee": "six_monthly",
        "Children's Services Leadership Team": "monthly",
    }


def test_seed_001_early_help_and_rates_per_10000(demo_data):
    plan = Plan.objects.get(slug=EARLY_HELP)
    phases = set(Action.objects.filter(plan=plan).values_list("timescale_text", flat=True))
    assert phases == {
        "Short (January - April 2018)",
        "Medium (May - Sept 2018)",
        "Long-term (Oct 18 - Aug 2019)",
    }
    assert not Action.objects.filter(plan=plan).exclude(timescale_kind="phase").exists()
    short = Action.objects.filter(plan=plan, timescale_text__startswith="Short").first()
    assert (short.timescale_start.isoformat(), short.timescale_due.isoformat()) == (
        "2018-01-01",
        "2018-04-30",
    )
    rates = {
        v.measure.code: v.value
        for v in MeasureValue.objects.filter(measure__code__startswith="MBRO-").select_related(
            "measure"
        )
    }
    assert rates["MBRO-LAC"] == Decimal("141.1")
    assert rates["MBRO-CP"] == Decimal("88.6")
    assert rates["MBRO-CIN"] == Decimal("432.3")
    lac = MeasureValue.objects.get(measure__code="MBRO-LAC")
    assert lac.numerator == 454 and lac.population.count == 32180
    polarities = set(
        Measure.objects.filter(code__startswith="EH-").values_list("polarity", flat=True)
    )
    assert polarities == {"higher", "lower", "monitor"}


def test_seed_002_improvement_plan_table(demo_data):
    plan = Plan.objects.get(slug=IMPROVEMENT)
    assert plan.version_label == "Draft April 2023"
    assert plan.priority_label == "Improvement area"
    assert list(Priority.objects.filter(plan=plan).values_list("title", flat=True)) == [
        "Our People",
        "Our Practice",
        "Our Processes",
        "Our Partnerships",
    ]
    assert list(
        Outcome.objects.filter(priority__plan=plan, priority__number="1").values_list(
            "number", flat=True
        )
    ) == ["1.1", "1.2", "1.3"]
    actions = Action.objects.filter(plan=plan)
    assert actions.count() == 38
    assert actions.filter(number="1.1.1").exists() and actions.filter(number="4.5").exists()
    leads = set(actions.exclude(lead=None).values_list("lead__name", flat=True))
    assert {"Jane Smith", "Adele Moore", "DCS", "Ian Coxon", "Dave Willingham"} <= leads
    assert actions.filter(lead_text="DCS and key partner agencies And partnerships").exists()
    assert {"May 23", "Ongoing", "Every Q", "July 23"} <= set(
        actions.values_list("timescale_text", flat=True)
    )
    assert actions.filter(timescale_text="Every Q", timescale_kind="recurring").exists()
    tags = set(Tag.objects.filter(actions__plan=plan).values_list("name", flat=True))
    assert tags == {f"Ofsted Improvement Action {n}" for n in range(1, 5)}
    key_system = SubAction.objects.filter(
        action__plan=plan, description__icontains="Integrated triage"
    ).get()
    assert key_system.timescale_text == "Oct 23"
    board = Board.objects.get(name="Good and Beyond Board")
    assert board.cadence == "monthly" and plan in board.plans.all()
    assert board.meetings.count() >= 10


def test_seed_003_partnership_strategy(demo_data):
    plan = Plan.objects.get(slug=CYP)
    assert plan.priority_label == "Principle"
    assert list(Priority.objects.filter(plan=plan).values_list("title", flat=True)) == [
        "Resilience",
        "Relationships",
        "Respect",
        "Response",
    ]
    assert statements(CYP, "ambition") == 5
    assert PlanStatement.objects.filter(
        plan=plan, kind="key_principle", priority__isnull=False
    ).exists()
    board = Board.objects.get(name="Children and Young People's Partnership")
    assert board.cadence == "every_2_months" and board.meetings.count() == 6


def test_seed_004_wokingham(demo_data):
    plan = Plan.objects.get(slug=WOKINGHAM)
    assert list(Priority.objects.filter(plan=plan).values_list("number", flat=True)) == [
        "SP1",
        "SP2",
        "SP3",
        "SP4",
        "SP5",
    ]
    assert statements(WOKINGHAM, "business_area") == 4
    assert statements(WOKINGHAM, "value") == 5
    assert statements(WOKINGHAM, "cohort") == 16
    assert Board.objects.filter(name="Getting to Good Board", plans=plan).exists()


def test_illustrative_history_is_labelled_and_ratings_follow_it(demo_data):
    assert StatusUpdate.objects.exists()
    assert not StatusUpdate.objects.filter(illustrative=False).exists()
    for action in Action.objects.filter(plan__slug=IMPROVEMENT).prefetch_related("updates"):
        updates = sorted(action.updates.all(), key=lambda u: u.created_at)
        if updates:
            assert action.rating == updates[-1].rating
    # Each plan's history spans several reporting periods.
    assert (
        StatusUpdate.objects.filter(action__plan__slug=IMPROVEMENT)
        .values("period")
        .distinct()
        .count()
        >= 6
    )
    # Five years to the 2017-20 strategy's end (2019/20), then, as the Improvement Plan is judged
    # on it, every financial year since that has ended and been published (six weeks on).
    from datetime import timedelta

    from django.utils import timezone

    published = timezone.localdate() - timedelta(days=42)
    last_year = (published.year if published.month >= 4 else published.year - 1) - 1
    values = MeasureValue.objects.filter(illustrative=True, measure__code="CSS-01")
    assert values.count() == 5 + (last_year - 2019)


def test_demo_officers_lead_actions_and_can_sign_in(demo_data):
    for account in DEMO_ACCOUNTS:
        request = RequestFactory().post("/sign-in/")
        assert authenticate(request, username=account.username, password=DEMO_PASSWORD)
    assert Action.objects.filter(lead__user__username="jane.smith").count() > 0
    assert Action.objects.filter(lead__user__username="adele.moore").count() > 0
    assert Board.objects.filter(memberships__person__user__username="councillor").exists()


def test_loading_again_changes_nothing(demo_data):
    def snapshot():
        return {m._meta.label: m.objects.count() for m in apps.get_models()}

    before = snapshot()
    report = load_all()
    assert report.loaded == []
    assert len(report.skipped) == 5
    assert snapshot() == before


def test_demo_history_is_dated_when_it_was_given(demo_data):
    """Board packs "as at" past meetings read the history tables: the demo's back-dated updates
    and published figures must enter the history on their own dates, not the load date."""
    update = StatusUpdate.objects.filter(action__plan__slug=IMPROVEMENT).order_by("created_at")[0]
    assert update.history.earliest().history_date == update.created_at
    lac = MeasureValue.objects.get(measure__code="MBRO-LAC")
    assert lac.history.earliest().history_date.date().isoformat() == "2018-03-28"
    assert lac.created_at.date().isoformat() == "2018-03-28"
    css = MeasureValue.objects.filter(measure__code="CSS-01").order_by("period_end").last()
    assert (css.created_at.date() - css.period_end).days == 42


def test_demo_officers_own_some_measures(demo_data):
    assert Measure.objects.filter(owner__user__username="jane.smith").count() == 2


def test_each_council_is_an_organisation_with_its_own_sign_ins(demo_data):
    """ADR 0012: Stockton, Middlesbrough and Wokingham are separate organisations, each with its
    own accounts; the people the demo invents say they are illustrative."""
    from django.contrib.auth import get_user_model

    from core.auth import RoleAwareModelBackend
    from core.permissions import organisation_ids
    from demo.loader import DEMO_PEOPLE
    from plans.permissions import plans_visible_to

    User = get_user_model()

    def readable(username):
        user = RoleAwareModelBackend().get_user(User.objects.get(username=username).pk)
        return set(plans_visible_to(user).values_list("organisation__name", flat=True))

    assert readable("admin") == {
        "Stockton-on-Tees Borough Council",
        "Middlesbrough Council",
        "Wokingham Borough Council",
    }
    for username, council in [
        ("jane.smith", "Stockton-on-Tees Borough Council"),
        ("stockton.admin", "Stockton-on-Tees Borough Council"),
        ("middlesbrough.officer", "Middlesbrough Council"),
        ("middlesbrough.admin", "Middlesbrough Council"),
        ("wokingham.officer", "Wokingham Borough Council"),
        ("wokingham.admin", "Wokingham Borough Council"),
    ]:
        assert readable(username) == {council}, username
        assert User.objects.get(username=username).memberships.get().organisation.name == council
    assert not User.objects.get(username="stockton.admin").is_superuser
    partner = User.objects.get(username="police.partner")
    assert partner.person.organisation.kind == "police"
    assert organisation_ids(RoleAwareModelBackend().get_user(partner.pk)) == frozenset()
    assert set(
        plans_visible_to(RoleAwareModelBackend().get_user(partner.pk)).values_list(
            "slug", flat=True
        )
    ) == {IMPROVEMENT}
    for item in DEMO_PEOPLE:
        assert "illustrative" in Person.objects.get(slug=item.slug).job_title


def test_each_population_estimate_belongs_to_its_councils_area(demo_data):
    """Rates use only the estimates of their measure's own area: Middlesbrough's figure is
    Middlesbrough Council's, and a Stockton measure has a (marked illustrative) estimate of
    its own."""
    from measures.models import PopulationEstimate
    from measures.services import population_estimates_for

    middlesbrough = PopulationEstimate.objects.get(area="Middlesbrough")
    assert middlesbrough.organisation.name == "Middlesbrough Council"
    assert not middlesbrough.illustrative
    stockton_measure = Measure.objects.get(code="CSS-01")
    offered = list(population_estimates_for(stockton_measure))
    assert [e.area for e in offered] == ["Stockton-on-Tees"]
    assert offered[0].illustrative


def test_the_plan_owner_in_seed_002_loads(demo_data):
    assert Plan.objects.get(slug=IMPROVEMENT).owner.slug == "dcs"


def test_the_flagship_history_runs_up_to_the_current_month(demo_data):
    """Loaded today, the Improvement Plan's illustrative history reaches this month (or the
    last days of the previous one early in a month) through monthly board meetings."""
    from django.utils import timezone

    today = timezone.localdate()
    updates = StatusUpdate.objects.filter(action__plan__slug=IMPROVEMENT)
    latest = updates.order_by("-created_at").first().created_at
    assert latest <= timezone.now()
    assert (today - timezone.localtime(latest).date()).days <= 31
    assert updates.filter(illustrative=False).count() == 0
    board = Board.objects.get(name="Good and Beyond Board")
    last_meeting = board.meetings.order_by("-date").first().date
    assert last_meeting <= today and (today - last_meeting).days <= 31
    # Every recent period (the run-up to a meeting in the last year) has updates.
    recent = [
        p
        for p in Plan.objects.get(slug=IMPROVEMENT).reporting_periods.all()
        if 0 <= (today - p.end).days <= 330
    ]
    assert len(recent) >= 10
    assert all(updates.filter(period=p).exists() for p in recent)


def test_the_flagship_ratings_are_a_realistic_spread(demo_data):
    """Mostly green and amber, a few red, some complete."""
    ratings = list(Action.objects.filter(plan__slug=IMPROVEMENT).values_list("rating", flat=True))
    count = {r: ratings.count(r) for r in set(ratings)}
    assert count.get("green", 0) + count.get("amber", 0) > len(ratings) / 2
    assert 1 <= count.get("red", 0) <= len(ratings) / 5
    assert 1 <= count.get("complete", 0) < len(ratings) / 2


def test_the_flagship_is_judged_on_stocktons_measures_with_recent_figures(demo_data):
    """Its pack has outcome measures: Stockton's rates and percentages from the 2017-20
    strategy, their illustrative figures carried on to the last financial year published."""
    from django.utils import timezone

    measures = Measure.objects.filter(plans__slug=IMPROVEMENT).order_by("code")
    assert [m.code for m in measures] == ["CSS-01", "CSS-02", "CSS-06", "CSS-07"]
    published = timezone.localdate().toordinal() - 42
    for measure in measures:
        latest = measure.values.order_by("-period_end").first()
        assert latest.illustrative
        assert 0 <= published - latest.period_end.toordinal() < 366 + 31
        assert measure.targets.filter(period_start=latest.period_start).exists()


def test_measure_targets_are_not_all_near_target(demo_data):
    """The demo's targets give a mix of on, near and off target (not 20 ambers)."""
    from measures.models import Target

    offsets = set()
    for target in Target.objects.filter(illustrative=True).select_related("measure"):
        value = target.measure.values.filter(period_start=target.period_start).first()
        if value is None:
            continue
        gap = (target.value - value.value) / value.value
        offsets.add(round(float(gap), 2))
    assert len(offsets) >= 4
