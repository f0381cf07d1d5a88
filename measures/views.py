"""Outcome measures: the list, the measure page, and entering or correcting values.

A user reads the measures of the plans they may read and of their organisations
(``measures.permissions.measures_visible_to``; a signed-in user with no role reads none); officers
who own a measure (and administrators of its organisation) add and correct its values
(``measures.permissions.can_enter_measure_values``)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import DetailView, TemplateView

from core.permissions import require
from measures import selectors
from measures.forms import MeasureFilterForm, MeasureValueCorrectionForm, MeasureValueForm
from measures.models import Measure, MeasureValue
from measures.permissions import can_enter_measure_values, can_view_measure, measures_visible_to
from measures.services import measure_value_correct, measure_value_record
from measures.status import PREVIOUS_PERIOD, RECENT_VALUES, SAME_PERIOD_LAST_YEAR, measure_statuses
from plans.models import Plan
from plans.permissions import plan_ids_visible_to, plans_visible_to


def _publication(request) -> bool:
    return request.GET.get("publication") == "1"


def _publication_links(request) -> dict:
    """Query strings for the same view with all figures, and as for publication."""
    params = request.GET.copy()
    params.pop("publication", None)
    all_figures = params.urlencode()
    params["publication"] = "1"
    return {"all_figures_query": all_figures, "publication_query": params.urlencode()}


PER_PAGE = 20  # measures per page of the list (statuses and sparklines for these only)


class MeasureListView(LoginRequiredMixin, TemplateView):
    """The measures, a page at a time (``?page=``; a page number that is not a number shows the
    first page, one beyond the last shows the last page, as the actions explorer does). The
    Excel and CSV downloads are separate views and hold every measure the user may read."""

    template_name = "measures/measure_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plans = (
            Plan.objects.filter(
                pk__in=plans_visible_to(self.request.user).values("pk"), measures__isnull=False
            )
            .distinct()
            .order_by("title")
        )
        form = MeasureFilterForm(self.request.GET or None, plans=plans)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        compare = filters.get("compare") or PREVIOUS_PERIOD
        publication = _publication(self.request)
        measures = selectors.measures_for_listing(
            plan=filters.get("plan"), frequency=filters.get("frequency", "")
        ).filter(pk__in=measures_visible_to(self.request.user).values("pk"))
        page = Paginator(measures, PER_PAGE).get_page(self.request.GET.get("page"))
        statuses = measure_statuses(page.object_list, compare_with=compare, recent=RECENT_VALUES)
        context.update(
            {
                "form": form,
                "rows": selectors.list_rows(statuses, publication=publication),
                "page": page,
                "count": page.paginator.count,
                "compare": compare,
                "compare_last_year": compare == SAME_PERIOD_LAST_YEAR,
                "publication": publication,
                "filtered": bool(filters.get("plan") or filters.get("frequency")),
                **_publication_links(self.request),
            }
        )
        return context


class MeasureMixin:
    """Finds the measure named in the URL (404 when there is none)."""

    def get_measure(self) -> Measure:
        return get_object_or_404(
            Measure.objects.select_related("owner", "organisation"), code=self.kwargs["code"]
        )


class MeasureDetailView(LoginRequiredMixin, DetailView):
    template_name = "measures/measure_detail.html"
    context_object_name = "measure"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return selectors.measures_for_page()

    def get_object(self, queryset=None):
        measure = super().get_object(queryset)
        require(can_view_measure(self.request.user, measure))
        return measure

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        compare = self.request.GET.get("compare")
        if compare not in (PREVIOUS_PERIOD, SAME_PERIOD_LAST_YEAR):
            compare = PREVIOUS_PERIOD
        publication = _publication(self.request)
        context.update(
            selectors.measure_page(self.object, publication=publication, compare_with=compare)
        )
        can_enter = can_enter_measure_values(self.request.user, self.object)
        context["can_enter"] = can_enter and not context["publication"]
        if context["can_enter"]:
            context["value_form"] = MeasureValueForm(measure=self.object)
        context["compare"] = compare
        visible = plan_ids_visible_to(self.request.user)
        context["measure_plans"] = [
            p for p in self.object.plans.all() if visible is None or p.pk in visible
        ]
        context["offers_publication"] = self.object.for_publication
        context.update(_publication_links(self.request))
        return context


class MeasureValueCreateView(LoginRequiredMixin, MeasureMixin, View):
    """Add a value for a period (GET shows the form on its own page; the measure page shows the
    same form and posts here)."""

    template_name = "measures/measure_value_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.measure = self.get_measure()
        require(can_enter_measure_values(request.user, self.measure))
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"measure": self.measure, "form": form},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(MeasureValueForm(measure=self.measure))

    def post(self, request, *args, **kwargs):
        form = MeasureValueForm(request.POST, measure=self.measure)
        if form.is_valid():
            try:
                value = measure_value_record(
                    measure=self.measure, recorded_by=request.user, **form.service_kwargs()
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    f"Value for {value.label} recorded: "
                    f"{selectors.with_unit(value.value, self.measure.unit)}.",
                )
                return redirect(self.measure.get_absolute_url())
        return self.render_form(form)


class MeasureValueCorrectView(LoginRequiredMixin, MeasureMixin, View):
    """Correct a recorded value, saying why (kept in its history; packs flag it as revised)."""

    template_name = "measures/measure_value_correct.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.measure = self.get_measure()
        require(can_enter_measure_values(request.user, self.measure))
        self.value = get_object_or_404(
            MeasureValue.objects.select_related("population"),
            pk=self.kwargs["pk"],
            measure=self.measure,
        )
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "measure": self.measure,
                "value": self.value,
                "value_text": selectors.with_unit(self.value.value, self.measure.unit),
                "form": form,
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(
            MeasureValueCorrectionForm(measure=self.measure, instance=self.value)
        )

    def post(self, request, *args, **kwargs):
        form = MeasureValueCorrectionForm(request.POST, measure=self.measure, instance=self.value)
        if form.is_valid():
            try:
                value = measure_value_correct(
                    value=self.value, corrected_by=request.user, **form.service_kwargs()
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    f"Value for {value.label} corrected to "
                    f"{selectors.with_unit(value.value, self.measure.unit)}.",
                )
                return redirect(self.measure.get_absolute_url())
        return self.render_form(form)
