"""Downloads of plans and measures as .xlsx and .csv (anyone who may view the plan; logged)."""

from django.urls import path

from transfer import views

app_name = "exports"

urlpatterns = [
    path("plans/<slug:slug>.xlsx", views.PlanExportView.as_view(fmt="xlsx"), name="plan_xlsx"),
    path("plans/<slug:slug>.csv", views.PlanExportView.as_view(fmt="csv"), name="plan_csv"),
    path("measures.xlsx", views.MeasuresExportView.as_view(fmt="xlsx"), name="measures_xlsx"),
    path("measures.csv", views.MeasuresExportView.as_view(fmt="csv"), name="measures_csv"),
]
