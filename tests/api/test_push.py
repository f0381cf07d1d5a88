"""Measure values pushed through the API: checked and recorded by the browser's own form and
service, corrections with a reason kept in the history, all or nothing per request, idempotent
with the client's Idempotency-Key; the value then shows on the measure page and in the next
board pack with its correction."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey, ApiKeyUse, IdempotentRequest
from measures.models import Measure, MeasureValue, PopulationEstimate
from tests import factories
from tests.factories import api as api_f
from tests.factories.boards import london, recorded_at

pytestmark = pytest.mark.django_db

URL = "/api/v1/measure-values/"


@pytest.fixture
def alpha():
    return api_f.council("Alpha", plans=1, actions=1, measures=0)


@pytest.fixture
def count_measure(alpha):
    measure = factories.measure(code="CLA-COUNT", unit=Measure.Unit.COUNT)
    measure.plans.add(alpha.plans[0])
    return measure


@pytest.fixture
def rate_measure(alpha):
    measure = factories.measure(code="CLA-RATE", unit=Measure.Unit.RATE_PER_10000)
    measure.plans.add(alpha.plans[0])
    return measure


@pytest.fixture
def writer(alpha):
    return api_f.api_key(
        organisations=[alpha.organisation], access=ApiKey.Access.WRITE, name="Data warehouse"
    )


def push(client, raw, values, key="request-1"):
    return client.post(
        URL,
        {"values": values},
        "application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **api_f.bearer(raw),
    )


Q1 = {"period_start": "2024-04-01", "period_end": "2024-06-30"}


def test_a_new_value_is_recorded_as_the_measure_page_records_it(client, writer, count_measure):
    key, raw = writer
    response = push(client, raw, [{"measure": "CLA-COUNT", **Q1, "value": 454, "note": "Q1"}])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 1 and body["results"][0]["outcome"] == "created"
    value = MeasureValue.objects.get(measure=count_measure)
    assert value.value == Decimal(454)
    assert value.label == "2024/25 Q1"  # written from the dates, as the form does
    assert value.recorded_by == key.actor
    history = value.history.get()
    assert history.history_user == key.actor
    assert key.prefix in history.history_change_reason


def test_a_rate_is_computed_from_the_count_and_population(client, writer, rate_measure):
    population = PopulationEstimate.objects.create(
        area="Alpha", year=2024, count=32180, organisation=rate_measure.organisation
    )
    response = push(
        client,
        writer[1],
        [{"measure": "CLA-RATE", **Q1, "numerator": 454, "population": population.pk}],
    )
    assert response.status_code == 200, response.content
    assert MeasureValue.objects.get(measure=rate_measure).value == Decimal("141.1")


def test_figures_the_unit_does_not_take_are_refused(client, writer, rate_measure):
    population = PopulationEstimate.objects.create(
        area="Alpha", year=2024, count=32180, organisation=rate_measure.organisation
    )
    response = push(
        client,
        writer[1],
        [
            {
                "measure": "CLA-RATE",
                **Q1,
                "numerator": 454,
                "population": population.pk,
                "value": 99,
            }
        ],
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "value"


def test_all_or_nothing(client, writer, count_measure, rate_measure):
    response = push(
        client,
        writer[1],
        [
            {"measure": "CLA-COUNT", **Q1, "value": 454},
            {"measure": "CLA-RATE", **Q1, "numerator": -5},  # a negative count
            {"measure": "NO-SUCH", **Q1, "value": 1},
            {
                "measure": "CLA-COUNT",
                "period_start": "2024-07-01",
                "period_end": "2024-06-01",
                "value": 3,
            },
        ],
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {e["index"] for e in errors} == {1, 2, 3}
    assert "3 of 4 values were refused" in response.json()["detail"]
    assert not MeasureValue.objects.exists()
    assert not IdempotentRequest.objects.exists()  # nothing saved, so the key may be used again
    fixed = push(client, writer[1], [{"measure": "CLA-COUNT", **Q1, "value": 454}])
    assert fixed.status_code == 200


def test_a_period_given_twice_in_one_request_is_refused(client, writer, count_measure):
    response = push(
        client,
        writer[1],
        [{"measure": "CLA-COUNT", **Q1, "value": 1}, {"measure": "CLA-COUNT", **Q1, "value": 2}],
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["index"] == 1


def test_a_correction_needs_a_reason_and_is_kept_in_the_history(client, writer, count_measure):
    key, raw = writer
    push(client, raw, [{"measure": "CLA-COUNT", **Q1, "value": 454}], key="a")
    refused = push(client, raw, [{"measure": "CLA-COUNT", **Q1, "value": 460}], key="b")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "reason"
    corrected = push(
        client,
        raw,
        [{"measure": "CLA-COUNT", **Q1, "value": 460, "reason": "Late recording"}],
        key="c",
    )
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["corrected"] == 1
    value = MeasureValue.objects.get(measure=count_measure)
    assert value.value == Decimal(460)
    latest, first = value.history.order_by("-history_date")[:2]
    assert first.value == Decimal(454)
    assert latest.history_change_reason.startswith("Late recording")
    assert latest.history_user == key.actor


def test_the_same_value_again_changes_nothing(client, writer, count_measure):
    raw = writer[1]
    push(client, raw, [{"measure": "CLA-COUNT", **Q1, "value": 454}], key="a")
    again = push(client, raw, [{"measure": "CLA-COUNT", **Q1, "value": "454.0"}], key="b")
    assert again.status_code == 200
    assert again.json()["unchanged"] == 1
    assert MeasureValue.history.count() == 1


def test_the_same_request_sent_again_gets_the_same_answer(client, writer, count_measure):
    raw = writer[1]
    values = [{"measure": "CLA-COUNT", **Q1, "value": 454}]
    first = push(client, raw, values, key="nightly-2024-07-01")
    second = push(client, raw, values, key="nightly-2024-07-01")
    assert second.status_code == 200
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert MeasureValue.objects.count() == 1
    assert MeasureValue.history.count() == 1
    other = push(
        client,
        raw,
        [{"measure": "CLA-COUNT", **Q1, "value": 999, "reason": "x"}],
        key="nightly-2024-07-01",
    )
    assert other.status_code == 422
    assert MeasureValue.objects.get().value == Decimal(454)
    assert ApiKeyUse.objects.filter(detail__replayed=True).count() == 1


def test_an_idempotency_key_is_required(client, writer, count_measure):
    response = client.post(
        URL,
        {"values": [{"measure": "CLA-COUNT", **Q1, "value": 1}]},
        "application/json",
        **api_f.bearer(writer[1]),
    )
    assert response.status_code == 400
    assert not MeasureValue.objects.exists()


def test_a_read_only_key_may_not_write(client, alpha, count_measure):
    _, raw = api_f.api_key(organisations=[alpha.organisation])
    response = push(client, raw, [{"measure": "CLA-COUNT", **Q1, "value": 1}])
    assert response.status_code == 403
    assert not MeasureValue.objects.exists()


def test_a_key_writes_only_the_measures_it_may_see(client, writer):
    beta = api_f.council("Beta", plans=1, actions=1, measures=1)
    other = beta.measures[0]
    response = push(client, writer[1], [{"measure": other.code, **Q1, "value": 1}])
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "measure"
    assert not other.values.filter(period_start=date(2024, 4, 1)).exists()


def test_bad_shapes_are_400_not_500(client, writer, count_measure):
    for body in (
        {},
        {"values": []},
        {"values": "x"},
        {"values": [{"measure": "CLA-COUNT"}]},
        {"values": [{"measure": "CLA-COUNT", "period_start": "2024-13-01"}]},
    ):
        response = client.post(
            URL, body, "application/json", HTTP_IDEMPOTENCY_KEY="z", **api_f.bearer(writer[1])
        )
        assert response.status_code == 400, body


def test_a_pushed_value_shows_on_the_measure_page_and_in_the_next_pack(
    client, admin_client, writer, alpha, count_measure
):
    """Done when: a value pushed through the API shows on the measure page and in the next pack,
    with its correction history."""
    key, raw = writer
    today = timezone.localdate()
    board = alpha.boards[0]
    board.meetings.all().delete()
    first = board.meetings.create(date=today - timedelta(days=20))
    second = board.meetings.create(date=today + timedelta(days=10))
    before = today - timedelta(days=25)
    with recorded_at(london(before.year, before.month, before.day, 10)):
        assert (
            push(client, raw, [{"measure": "CLA-COUNT", **Q1, "value": 454}], "a").status_code
            == 200
        )
    assert admin_client.post(f"/plans/meetings/{first.pk}/issue/").status_code == 302

    corrected = push(
        client,
        raw,
        [{"measure": "CLA-COUNT", **Q1, "value": 460, "reason": "Late recording found"}],
        "b",
    )
    assert corrected.status_code == 200

    page = admin_client.get(f"/measures/{count_measure.code}/").content.decode()
    assert "460" in page and "Corrections" in page
    assert "Late recording found" in page and "API key: Data warehouse" in page

    pack = admin_client.get(f"/plans/meetings/{second.pk}/").content.decode()
    assert "Revised since the last meeting" in pack
    revised = pack[pack.index("Revised since the last meeting") :]
    assert count_measure.code in revised
    assert "454" in revised and "460" in revised
    assert "Late recording found" in revised and "API key: Data warehouse" in revised


def test_a_key_pushing_values_is_limited_per_key_not_as_an_anonymous_visitor(
    client, writer, count_measure, settings
):
    """The API's writes come with a key, not a session: the limit on unauthenticated POSTs
    (config.middleware) leaves them to the key's own limit; a key sent to a page outside the API
    does not escape it."""
    settings.RATE_LIMIT_ANONYMOUS_POSTS = (1, 900)
    key, raw = writer
    for n in range(3):
        start = date(2024, 4, 1) + timedelta(days=n)
        values = [{"measure": "CLA-COUNT", "period_start": str(start), "period_end": str(start)}]
        values[0]["value"] = n
        assert push(client, raw, values, key=f"r{n}").status_code == 200
    login = reverse("login")
    first = client.post(login, {"username": "a", "password": "b"}, **api_f.bearer(raw))
    assert first.status_code == 200  # the form again, with its error
    response = client.post(login, {"username": "c", "password": "d"}, **api_f.bearer(raw))
    assert response.status_code == 429


@pytest.mark.parametrize("value", ["1e40", "9" * 29, 1e40, "-1e40", "NaN", "Infinity", "1e-40"])
def test_a_value_out_of_range_is_a_row_error_never_a_500(client, writer, count_measure, value):
    """Issue 18: numbers beyond numeric(14,4) were a 500 on the page; the API uses the same form."""
    response = push(client, writer[1], [{"measure": "CLA-COUNT", **Q1, "value": value}])
    assert response.status_code == 400, response.content
    assert "value" in response.content.decode()  # the field named
    assert not MeasureValue.objects.exists()
