"""Request and answer shapes of the write endpoint (the tables' rows are in ``api.tables``)."""

from rest_framework import serializers

from api.services import MAX_VALUES


def _decimal(help_text):
    return serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text=help_text,
    )


class MeasureValueItem(serializers.Serializer):
    measure = serializers.CharField(max_length=30, help_text="The measure's code.")
    period_start = serializers.DateField(help_text="Identifies the value (YYYY-MM-DD).")
    period_end = serializers.DateField(
        required=False, help_text="Needed for a new value; the same as the start for 'as at'."
    )
    label = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text='The period as written ("2023/24 Q2"); written from the dates when left out.',
    )
    value = _decimal("The figure. Left out for a rate per 10,000 (computed).")
    numerator = _decimal("The count (for a rate per 10,000, the count of children).")
    denominator = _decimal("For a percentage: what the count is out of.")
    population = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="For a rate per 10,000: the population estimate's id (/population-estimates/).",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    reason = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Needed to correct a period that already has a different value.",
    )


class MeasureValuePush(serializers.Serializer):
    values = MeasureValueItem(many=True, allow_empty=False, max_length=MAX_VALUES)


class MeasureValueOutcome(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the value in the request.")
    outcome = serializers.ChoiceField(choices=["created", "corrected", "unchanged"])
    id = serializers.IntegerField()
    measure = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=False)
    numerator = serializers.DecimalField(
        max_digits=14, decimal_places=4, coerce_to_string=False, allow_null=True
    )
    denominator = serializers.DecimalField(
        max_digits=14, decimal_places=4, coerce_to_string=False, allow_null=True
    )
    population = serializers.IntegerField(allow_null=True)


class MeasureValuePushAnswer(serializers.Serializer):
    created = serializers.IntegerField()
    corrected = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    results = MeasureValueOutcome(many=True)


class PushError(serializers.Serializer):
    index = serializers.IntegerField()
    measure = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class MeasureValuePushRefusal(serializers.Serializer):
    detail = serializers.CharField()
    errors = PushError(many=True)
