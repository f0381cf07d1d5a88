"""The measures list and the measure page: latest value against target with the word as well as
the colour, direction of travel, comparators, charts with their figures in tables, the rate's
population estimate, small counts suppressed for publication, volatility warnings, entering and
correcting values, and a fixed number of queries."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from measures.models import Comparator, Measure, MeasureValue, PopulationEstimate, Target
from measures.services import measure_value_correct, measure_value_record
from tests import factories

pytestmark = pytest.mark.django_db

LOWER, HIGHER = Measure.Polarity.LOWER, Measure.Polarity.HIGHER


def annual(measure, year, value, **kw):
    return MeasureValue.objects.create(
        measure=measure,
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
        label=f"{year}/{str(year + 1)[2:]}",
        value=Decimal(value),
        **kw,
    )


def comparator(measure, kind, year, value):
    return Comparator.objects.create(
        measure=measure,
        kind=kind,
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
        label=f"{year}/{str(year + 1)[2:]}",
        value=Decimal(value),
    )


def target(measure, year, value, tolerance="0"):
    return Target.objects.create(
        measure=measure,
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
        label=f"{year}/{str(year + 1)[2:]}",
        value=Decimal(value),
        amber_tolerance=Decimal(tolerance),
    )


@pytest.fixture
def viewer_client(client):
    client.force_login(factories.user(role="Viewers"))
    return client


@pytest.fixture
def lac():
    """Children looked after per 10,000 (lower is better), as in the Middlesbrough report."""
    population = PopulationEstimate.objects.create(
        organisation=factories.default_organisation(),
        area="Middlesbrough",
        year=2016,
        count=32180,
        source="Mid-2016 population estimate",
    )
    m = factories.measure(
        code="LAC",
        title="Children looked after",
        unit=Measure.Unit.RATE_PER_10000,
        polarity=LOWER,
        definition="Children looked after per 10,000 children aged 0-17.",
        source="Executive member report",
    )
    MeasureValue.objects.create(
        measure=m,
        period_start=date(2017, 2, 28),
        period_end=date(2017, 2, 28),
        label="As at 28 February 2017",
        numerator=480,
        population=population,
    )
    MeasureValue.objects.create(
        measure=m,
        period_start=date(2018, 2, 28),
        period_end=date(2018, 2, 28),
        label="As at 28 February 2018",
        numerator=454,
        population=population,
    )
    target(m, 2017, "130", tolerance="15")
    comparator(m, Comparator.Kind.ENGLAND, 2017, "62")
    comparator(m, Comparator.Kind.REGION, 2017, "92")
    comparator(m, Comparator.Kind.STATISTICAL_NEIGHBOURS, 2017, "110")
    comparator(m, Comparator.Kind.BEST_NEIGHBOUR, 2017, "75")
    comparator(m, Comparator.Kind.TOP_QUARTILE, 2017, "48.5")
    return m


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# The list ------------------------------------------------------------------------------------


def test_list_shows_latest_value_target_rag_word_direction_comparators_and_sparkline(
    viewer_client, lac
):
    html = viewer_client.get(reverse("measures:list")).content.decode()
    row = html[html.index(">Children looked after<") :]
    row = row[: row.index("</tr>")]
    text = text_of(row)
    assert "141.1" in text and "As at 28 February 2018" in text
    assert "130.0" in text  # target
    # 11.1 over, within 15: the measure state's word on amber (core.presentation)
    assert 'class="app-rag app-rag--amber">Near target</span>' in row
    assert "Improving" in text and "since As at 28 February 2017" in text  # a fall is better
    assert "62.0" in text and "92.0" in text and "110.0" in text  # England, region, SNs
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in row and 'role="img"' in row
    assert "What the ratings against target mean" in html


def test_list_filters_by_plan_and_frequency(viewer_client):
    plan = factories.plan(title="Early Help")
    in_plan = factories.measure(title="In the plan", frequency=Measure.Frequency.MONTHLY)
    in_plan.plans.add(plan)
    factories.measure(title="Not in the plan", frequency=Measure.Frequency.ANNUAL)
    html = viewer_client.get(reverse("measures:list"), {"plan": plan.pk}).content.decode()
    assert "In the plan" in html and "Not in the plan" not in html
    html = viewer_client.get(reverse("measures:list"), {"frequency": "annual"}).content.decode()
    assert "Not in the plan" in html and "In the plan<" not in html


def test_list_with_a_bad_filter_says_so_and_shows_everything(viewer_client):
    factories.measure(title="Still shown")
    response = viewer_client.get(reverse("measures:list"), {"plan": "99999", "frequency": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "Choose a plan from the list." in html
    assert "Still shown" in html


def test_list_direction_can_be_against_the_same_period_last_year(viewer_client):
    m = factories.measure(title="Quarterly measure", polarity=HIGHER)
    for start, end, label, v in [
        (date(2022, 7, 1), date(2022, 9, 30), "2022/23 Q2", "50"),
        (date(2023, 4, 1), date(2023, 6, 30), "2023/24 Q1", "80"),
        (date(2023, 7, 1), date(2023, 9, 30), "2023/24 Q2", "70"),
    ]:
        MeasureValue.objects.create(
            measure=m, period_start=start, period_end=end, label=label, value=Decimal(v)
        )
    previous = text_of(viewer_client.get(reverse("measures:list")).content.decode())
    assert "Worsening since 2023/24 Q1" in previous
    last_year = text_of(
        viewer_client.get(reverse("measures:list"), {"compare": "last_year"}).content.decode()
    )
    assert "Improving since 2022/23 Q2" in last_year


def build_measures(n: int, values_each: int):
    plan = factories.plan()
    for i in range(n):
        m = factories.measure(polarity=LOWER if i % 2 else HIGHER)
        m.plans.add(plan)
        for year in range(2023 - values_each, 2023):
            annual(m, year, str(10 + year % 5))
            comparator(m, Comparator.Kind.ENGLAND, year, "11")
        target(m, 2022, "12", "1")
    return plan


@pytest.mark.parametrize("n,values_each", [(5, 2), (120, 6)])
def test_list_loads_in_a_fixed_number_of_queries(
    n, values_each, viewer_client, django_assert_max_num_queries
):
    """Session, user, roles, the plans of the filter, the count, the page's measures, their
    values, targets and comparators: the same whatever the number of measures."""
    plan = build_measures(n, values_each)
    viewer_client.get(reverse("measures:list"))  # warm up: the session is written once
    with django_assert_max_num_queries(9):
        response = viewer_client.get(reverse("measures:list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row"') == min(n, 20) + 1
    with django_assert_max_num_queries(10):  # and the plan chosen in the filter
        response = viewer_client.get(reverse("measures:list"), {"plan": plan.pk, "page": 2})
    assert response.status_code == 200


def coded_measures(n: int, **kw) -> list[Measure]:
    """Measures L01, L02, ... (the list is in code order), each with a value for 2023/24."""
    measures = []
    for i in range(1, n + 1):
        m = factories.measure(code=f"L{i:02}", title=f"Listed measure {i:02}", **kw)
        annual(m, 2023, str(i))
        measures.append(m)
    return measures


def test_list_shows_twenty_measures_a_page_with_govuk_pagination_keeping_the_filters(
    viewer_client,
):
    coded_measures(45, frequency=Measure.Frequency.ANNUAL)
    factories.measure(code="L99", title="Monthly measure", frequency=Measure.Frequency.MONTHLY)
    query = {"frequency": "annual", "compare": "last_year", "page": "2"}
    html = viewer_client.get(reverse("measures:list"), query).content.decode()
    text = text_of(html)
    shown = re.findall(r">Listed measure (\d\d)<", html)
    assert shown == [f"{i:02}" for i in range(21, 41)]  # the next twenty, in code order
    assert "Monthly measure" not in html  # the filter still applies
    assert "45 measures: latest value" in text  # the caption counts them all
    assert "Showing 21 to 40 of 45 measures" in text
    assert "page 2 of 3" in text  # in the caption, for screen readers
    assert '<nav class="govuk-pagination" aria-label="Pages of measures">' in html
    links = re.findall(r'class="govuk-link govuk-pagination__link" href="([^"]+)"', html)
    assert len(links) == 5  # previous, 1, 2, 3, next
    for link in links:
        assert "frequency=annual" in link and "compare=last_year" in link
    assert re.search(r'href="[^"]*page=1[^"]*" rel="prev"', html)
    assert re.search(r'href="[^"]*page=3[^"]*" rel="next"', html)
    assert 'aria-label="Page 2" aria-current="page">2</a>' in html
    assert 'aria-label="Page 3">3</a>' in html
    # choosing other filters starts again at page 1: the form does not carry the page
    form = html[html.index('<form method="get"') : html.index("</form>")]
    assert 'name="page"' not in form


def test_list_pages_after_the_first_show_the_rag_word_and_colour(viewer_client):
    measures = coded_measures(25, polarity=HIGHER)
    target(measures[21], 2023, "30", tolerance="2")  # L22 has 22 against 30: red
    target(measures[22], 2023, "24", tolerance="2")  # L23 has 23 against 24: amber
    html = viewer_client.get(reverse("measures:list"), {"page": 2}).content.decode()
    rows = {
        code: html[html.index(f">Listed measure {code}<") :].split("</tr>")[0]
        for code in ("22", "23", "24")
    }
    assert 'class="app-rag app-rag--red">Off target</span>' in rows["22"]
    assert 'class="app-rag app-rag--amber">Near target</span>' in rows["23"]
    assert '<span class="app-muted">No target</span>' in rows["24"]  # no colour without one
    assert "Showing 21 to 25 of 25 measures" in text_of(html)


@pytest.mark.parametrize(
    "page,first,last",
    [("abc", 1, 20), ("", 1, 20), ("1.5", 1, 20), ("999", 41, 45), ("0", 41, 45)],
)
def test_list_with_a_bad_page_number_shows_the_first_or_the_last_page(
    viewer_client, page, first, last
):
    """As in the actions explorer: a page that is not a number shows the first page, one out of
    range the last page (Django's ``Paginator.get_page``); never an error."""
    coded_measures(45)
    response = viewer_client.get(reverse("measures:list"), {"page": page})
    assert response.status_code == 200
    shown = [int(i) for i in re.findall(r">Listed measure (\d\d)<", response.content.decode())]
    assert shown == list(range(first, last + 1))


def test_a_short_list_is_one_page_without_pagination(viewer_client):
    coded_measures(20)
    html = viewer_client.get(reverse("measures:list")).content.decode()
    assert len(re.findall(r">Listed measure \d\d<", html)) == 20
    assert "govuk-pagination" not in html and "Showing" not in html
    assert "20 measures: latest value" in text_of(html)


def test_list_downloads_hold_every_measure_not_one_page(viewer_client):
    coded_measures(45)
    html = viewer_client.get(reverse("measures:list"), {"page": 2}).content.decode()
    csv_url, xlsx_url = reverse("exports:measures_csv"), reverse("exports:measures_xlsx")
    assert f'href="{csv_url}"' in html and f'href="{xlsx_url}"' in html  # no page in the links
    exported = viewer_client.get(csv_url).content.decode("utf-8-sig")
    assert all(f"L{i:02}" in exported for i in range(1, 46))


# The measure page -----------------------------------------------------------------------------


def test_measure_page_shows_the_rate_and_the_population_estimate_used(viewer_client, lac):
    html = viewer_client.get(lac.get_absolute_url()).content.decode()
    text = text_of(html)
    assert "454 of 32,180 = 141.1 per 10,000" in text
    for fact in ("Middlesbrough", "2016", "0-17", "32,180", "Mid-2016 population estimate"):
        assert fact in text
    assert "Children looked after per 10,000 children aged 0-17." in text  # definition
    assert "Executive member report" in text  # source


def test_measure_page_has_a_trend_chart_and_the_same_figures_in_a_table(viewer_client, lac):
    html = viewer_client.get(lac.get_absolute_url()).content.decode()
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in chart and "Children looked after: values by period" in chart
    assert "Target" in chart and "England average" in chart
    table = html[html.index("The figures in the chart") :]
    table = text_of(table[: table.index("</table>")])
    # the 2017/18 target and comparators do not apply to February 2017
    assert "As at 28 February 2017 149.2 – – – –" in table
    assert "As at 28 February 2018 141.1 130.0 62.0 92.0 110.0" in table


def test_comparators_table_has_best_neighbour_and_top_quartile(viewer_client, lac):
    html = viewer_client.get(lac.get_absolute_url()).content.decode()
    section = html[html.index('<h2 class="govuk-heading-m">Comparators</h2>') :]
    text = text_of(section[: section.index("</table>")])
    assert "England average 62.0 2017/18 Worse" in text
    assert "Best statistical neighbour 75.0" in text
    assert "Top quartile threshold 48.5" in text


def test_unknown_comparators_are_said_to_be_not_known(viewer_client):
    m = factories.measure()
    annual(m, 2022, "3")
    html = text_of(viewer_client.get(m.get_absolute_url()).content.decode())
    assert "Best statistical neighbour Not known" in html


def test_measure_page_shows_rag_word_and_direction_both_ways(viewer_client, lac):
    html = viewer_client.get(lac.get_absolute_url()).content.decode()
    text = text_of(html)
    assert 'class="app-rag app-rag--amber">Near target</span>' in html
    assert "Worse than target, but within its tolerance" in text
    assert "Since the previous period ↓ Improving (from 149.2 in As at 28 February 2017)" in text
    assert "Since the same period last year ↓ Improving" in text


def small_count_measure(for_publication=True):
    population = PopulationEstimate.objects.create(
        organisation=factories.default_organisation(), area="Smallton", year=2020, count=8000
    )
    m = factories.measure(
        title="Children adopted",
        unit=Measure.Unit.RATE_PER_10000,
        polarity=HIGHER,
        for_publication=for_publication,
    )
    MeasureValue.objects.create(
        measure=m,
        period_start=date(2021, 4, 1),
        period_end=date(2022, 3, 31),
        label="2021/22",
        numerator=4,
        population=population,
    )
    MeasureValue.objects.create(
        measure=m,
        period_start=date(2022, 4, 1),
        period_end=date(2023, 3, 31),
        label="2022/23",
        numerator=12,
        population=population,
    )
    return m


def test_publication_view_shows_small_counts_as_c(viewer_client):
    m = small_count_measure()
    normal = text_of(viewer_client.get(m.get_absolute_url()).content.decode())
    assert "2021/22 5.0 (small numbers) 4" in normal  # 4 of 8,000 = 5.0 per 10,000
    published = text_of(
        viewer_client.get(m.get_absolute_url(), {"publication": "1"}).content.decode()
    )
    assert "2021/22 c c" in published  # the rate would give the count away: both suppressed
    assert "2022/23 15.0 12" in published  # 12 is not a small count
    assert "2021/22 5.0" not in published and "from 5.0" not in published
    assert "2021/22: 5<" not in published  # nor in the chart


def test_publication_view_changes_nothing_for_measures_not_marked_for_publication(viewer_client):
    m = small_count_measure(for_publication=False)
    published = text_of(
        viewer_client.get(m.get_absolute_url(), {"publication": "1"}).content.decode()
    )
    assert "2021/22 5.0 (small numbers) 4" in published


def test_small_count_in_a_count_measure_is_suppressed_in_the_list(viewer_client):
    m = factories.measure(title="Young people in custody", for_publication=True)
    annual(m, 2022, "3")
    listed = viewer_client.get(reverse("measures:list"), {"publication": "1"}).content.decode()
    row = text_of(listed[listed.index("Young people in custody") :][:2000])
    assert row.split("(annual measure only)")[0]  # the row is there
    assert " c 2022/23" in row and " 3 2022/23" not in row
    normal = text_of(viewer_client.get(reverse("measures:list")).content.decode())
    assert " 3 2022/23" in normal


def test_rates_on_small_numbers_carry_a_volatility_warning(viewer_client):
    """Rule: a rate or percentage from a count under 10 or a denominator under 100."""
    m = factories.measure(unit=Measure.Unit.PERCENTAGE, title="Care leavers in touch")
    measure_value_record(
        measure=m,
        period_start=date(2022, 4, 1),
        period_end=date(2023, 3, 31),
        label="2022/23",
        numerator=Decimal(45),
        denominator=Decimal(60),
    )
    html = viewer_client.get(m.get_absolute_url()).content.decode()
    assert "Treat with caution" in html and "a denominator under 100" in html
    big = factories.measure(unit=Measure.Unit.PERCENTAGE, title="Big cohort")
    measure_value_record(
        measure=big,
        period_start=date(2022, 4, 1),
        period_end=date(2023, 3, 31),
        label="2022/23",
        numerator=Decimal(450),
        denominator=Decimal(600),
    )
    assert "Treat with caution" not in viewer_client.get(big.get_absolute_url()).content.decode()


def test_monitored_measure_has_no_rag_and_says_up_or_down(viewer_client):
    m = factories.measure(polarity=Measure.Polarity.MONITOR, title="Children in need")
    annual(m, 2021, "400")
    annual(m, 2022, "432.3")
    target(m, 2022, "300")
    html = viewer_client.get(m.get_absolute_url()).content.decode()
    text = text_of(html)
    row = html[html.index("Against target</dt>") :]
    row = row[: row.index("</div>")]
    assert "Monitored only" in text and "app-rag" not in row  # no RAG though it is over target
    assert "↑ Up" in text


def test_user_text_on_measure_pages_is_escaped(viewer_client):
    m = factories.measure(title="<script>alert(1)</script>", definition="<b>x</b>")
    annual(m, 2022, "3", note="<i>note</i>")
    html = viewer_client.get(m.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html and "<i>note</i>" not in html
    listed = viewer_client.get(reverse("measures:list")).content.decode()
    assert "<script>alert(1)</script>" not in listed


@pytest.mark.parametrize("values_each", [1, 40])
def test_measure_page_loads_in_a_fixed_number_of_queries(
    values_each, client, django_assert_max_num_queries
):
    owner = factories.officer()
    client.force_login(owner)
    population = PopulationEstimate.objects.create(
        organisation=factories.default_organisation(), area="Town", year=2020, count=30000
    )
    m = factories.measure(unit=Measure.Unit.RATE_PER_10000, owner=owner.person)
    m.plans.add(factories.plan(), factories.plan())
    for i in range(values_each):
        v = MeasureValue.objects.create(
            measure=m,
            period_start=date(1980 + i, 4, 1),
            period_end=date(1981 + i, 3, 31),
            label=str(1980 + i),
            numerator=100 + i,
            population=population,
        )
        for kind in Comparator.Kind.values:
            comparator(m, kind, 1980 + i, "10")
        target(m, 1980 + i, "5")
        measure_value_correct(value=v, numerator=Decimal(101 + i), reason="fix")
    client.get(m.get_absolute_url())  # warm up: the session is written once
    with django_assert_max_num_queries(11):
        response = client.get(m.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Correct<span") == values_each


# Entering and correcting values ---------------------------------------------------------------


@pytest.fixture
def owner_client(client, lac):
    owner = factories.officer()
    lac.owner = owner.person
    lac.save()
    client.force_login(owner)
    client.owner = owner
    return client


def test_owner_adds_a_rate_by_count_and_population_and_it_is_computed(owner_client, lac):
    population = PopulationEstimate.objects.get()
    response = owner_client.post(
        reverse("measures:add_value", kwargs={"code": lac.code}),
        {
            "period_start": "31/3/2018",
            "period_end": "31/03/2018",
            "label": "",
            "numerator": "460",
            "population": population.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == lac.get_absolute_url()
    value = MeasureValue.objects.get(measure=lac, period_start=date(2018, 3, 31))
    assert value.value == Decimal("142.9") and value.denominator == 32180
    assert value.label == "As at 31 March 2018"  # written from the dates
    assert value.recorded_by == owner_client.owner
    page = owner_client.get(lac.get_absolute_url()).content.decode()
    assert "Value for As at 31 March 2018 recorded: 142.9." in page


def test_second_value_for_a_period_is_refused_and_what_was_typed_is_kept(owner_client, lac):
    population = PopulationEstimate.objects.get()
    response = owner_client.post(
        reverse("measures:add_value", kwargs={"code": lac.code}),
        {
            "period_start": "28/2/2018",
            "period_end": "28/2/2018",
            "label": "Feb again",
            "numerator": "999",
            "population": population.pk,
            "note": "typed note",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "There is already a value" in html
    assert 'href="#id_period_start"' in html
    assert 'value="999"' in html and "typed note" in html and 'value="Feb again"' in html
    assert MeasureValue.objects.filter(measure=lac).count() == 2


def test_add_value_form_shows_clear_errors_for_bad_input(owner_client, lac):
    response = owner_client.post(
        reverse("measures:add_value", kwargs={"code": lac.code}),
        {"period_start": "31/2/2018", "period_end": "", "numerator": "lots"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a real date, for example 31/3/2024." in html
    assert "Count of children must be a number" in html


def test_hidden_characters_in_a_value_are_refused_and_named_not_stripped(owner_client, lac):
    """core.text's one policy (the form used to strip them silently): refuse, and say which."""
    population = PopulationEstimate.objects.get()
    response = owner_client.post(
        reverse("measures:add_value", kwargs={"code": lac.code}),
        {
            "period_start": "1/4/2018",
            "period_end": "30/4/2018",
            "numerator": "450",
            "population": population.pk,
            "note": "Checked\u202e by the team",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Remove the invisible formatting characters" in html
    assert "U+202E (right-to-left override)" in html
    assert MeasureValue.objects.filter(measure=lac).count() == 2


def test_percentage_inconsistent_with_numerator_and_denominator_is_refused(client):
    owner = factories.officer()
    m = factories.measure(unit=Measure.Unit.PERCENTAGE, owner=owner.person)
    client.force_login(owner)
    response = client.post(
        reverse("measures:add_value", kwargs={"code": m.code}),
        {
            "period_start": "1/4/2023",
            "period_end": "30/6/2023",
            "value": "90",
            "numerator": "45",
            "denominator": "60",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "is 75.0%, not 90%" in html
    assert not MeasureValue.objects.exists()
    response = client.post(
        reverse("measures:add_value", kwargs={"code": m.code}),
        {
            "period_start": "1/4/2023",
            "period_end": "30/6/2023",
            "numerator": "45",
            "denominator": "60",
        },
    )
    assert response.status_code == 302
    assert MeasureValue.objects.get().label == "2023/24 Q1"


def test_only_the_owner_or_an_administrator_may_add_values_and_others_see_no_form(client, lac):
    other = factories.officer()
    client.force_login(other)
    url = reverse("measures:add_value", kwargs={"code": lac.code})
    assert client.get(url).status_code == 403
    assert client.post(url, {"period_start": "1/1/2020"}).status_code == 403
    page = client.get(lac.get_absolute_url()).content.decode()
    assert "Add a value" not in page and "Correct<span" not in page
    client.force_login(factories.admin_user())
    assert client.get(url).status_code == 200
    assert "Add a value" in client.get(lac.get_absolute_url()).content.decode()


def test_owner_corrects_a_value_with_a_reason_shown_on_the_page(owner_client, lac):
    value = MeasureValue.objects.get(measure=lac, period_start=date(2018, 2, 28))
    url = reverse("measures:correct_value", kwargs={"code": lac.code, "pk": value.pk})
    form = owner_client.get(url).content.decode()
    assert 'value="454"' in form or 'value="454.0000"' in form
    refused = owner_client.post(
        url,
        {
            "period_end": "28/2/2018",
            "label": value.label,
            "numerator": "456",
            "population": value.population_id,
            "reason": "",
        },
    )
    assert refused.status_code == 200
    assert "Say why the value is being corrected." in refused.content.decode()
    response = owner_client.post(
        url,
        {
            "period_end": "28/2/2018",
            "label": value.label,
            "numerator": "456",
            "population": value.population_id,
            "reason": "Two late notifications",
        },
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.value == Decimal("141.7")
    latest = value.history.first()
    assert latest.history_change_reason == "Two late notifications"
    assert latest.history_user == owner_client.owner
    page = text_of(owner_client.get(lac.get_absolute_url()).content.decode())
    assert "Corrections" in page and "141.1 141.7" in page and "Two late notifications" in page


def test_correcting_a_value_of_another_measure_is_not_found(owner_client, lac):
    other = factories.measure()
    v = annual(other, 2020, "1")
    url = reverse("measures:correct_value", kwargs={"code": lac.code, "pk": v.pk})
    assert owner_client.get(url).status_code == 404


def test_missing_measure_is_not_found(viewer_client):
    assert viewer_client.get(reverse("measures:detail", kwargs={"code": "NOPE"})).status_code == 404


@pytest.fixture
def stockton_rate(client):
    """A Stockton rate measure with its owner signed in; Middlesbrough has an estimate too."""
    stockton = factories.organisation(name="Stockton-on-Tees Borough Council")
    middlesbrough = factories.organisation(name="Middlesbrough Council")
    PopulationEstimate.objects.create(
        organisation=stockton, area="Stockton-on-Tees", year=2017, count=44500
    )
    PopulationEstimate.objects.create(
        organisation=middlesbrough, area="Middlesbrough", year=2016, count=32180
    )
    owner = factories.officer(organisation=stockton)  # Stockton's officer owns Stockton's measure
    measure = factories.measure(
        code="STK-LAC",
        unit=Measure.Unit.RATE_PER_10000,
        polarity=LOWER,
        organisation=stockton,
        owner=owner.person,
    )
    client.force_login(owner)
    return measure


def test_a_stockton_rate_offers_only_stocktons_population_and_no_dashes(client, stockton_rate):
    html = client.get(reverse("measures:add_value", kwargs={"code": stockton_rate.code})).content
    html = html.decode()
    assert "Stockton-on-Tees, 0-17, 2017: 44,500" in html
    assert "Middlesbrough" not in html
    assert "---------" not in html
    assert "the estimate for the year the period starts in" in html
    assert "The rate per 10,000, as published" in html and "A count of children" in html
    assert 'data-app-reveals="figure-rate"' in html and 'data-app-reveals="figure-count"' in html


def test_a_rate_is_entered_as_published(client, stockton_rate):
    response = client.post(
        reverse("measures:add_value", kwargs={"code": stockton_rate.code}),
        {
            "period_start": "1/4/2023",
            "period_end": "31/3/2024",
            "entry": "rate",
            "value": "82.3",
            "numerator": "999",  # typed before switching to the rate: dropped
        },
    )
    assert response.status_code == 302
    value = MeasureValue.objects.get(measure=stockton_rate)
    assert value.value == Decimal("82.3") and value.numerator is None and value.population is None
    assert value.label == "2023/24"


def test_a_count_takes_the_areas_estimate_for_the_year(client, stockton_rate):
    response = client.post(
        reverse("measures:add_value", kwargs={"code": stockton_rate.code}),
        {
            "period_start": "1/4/2023",
            "period_end": "31/3/2024",
            "entry": "count",
            "numerator": "445",
        },
    )
    assert response.status_code == 302
    value = MeasureValue.objects.get(measure=stockton_rate)
    assert value.value == Decimal("100.0") and value.population.area == "Stockton-on-Tees"


def test_a_chosen_way_without_its_figure_is_a_clear_error(client, stockton_rate):
    url = reverse("measures:add_value", kwargs={"code": stockton_rate.code})
    period = {"period_start": "1/4/2023", "period_end": "31/3/2024"}
    html = client.post(url, {**period, "entry": "rate"}).content.decode()
    assert "Enter the rate per 10,000 as published." in html
    html = client.post(url, {**period, "entry": "count", "value": "12"}).content.decode()
    assert "Enter the count of children." in html and 'value="12"' in html
    assert not MeasureValue.objects.exists()
