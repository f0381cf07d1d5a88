from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from .models import Comparator, Measure, MeasureValue, Target


class MeasureListView(LoginRequiredMixin, ListView):
    template_name = "measures/measure_list.html"
    context_object_name = "measures"

    def get_queryset(self):
        return Measure.objects.select_related("owner").prefetch_related(
            Prefetch(
                "values",
                queryset=MeasureValue.objects.order_by("period_start"),
                to_attr="value_list",
            ),
            "plans",
        )


class MeasureDetailView(LoginRequiredMixin, DetailView):
    template_name = "measures/measure_detail.html"
    context_object_name = "measure"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Measure.objects.select_related("owner", "organisation").prefetch_related(
            "plans",
            Prefetch(
                "values",
                queryset=MeasureValue.objects.select_related("population").order_by("period_start"),
            ),
            Prefetch("targets", queryset=Target.objects.order_by("period_start")),
            Prefetch("comparators", queryset=Comparator.objects.order_by("period_start", "kind")),
        )
