"""Import of plans and measure values (preview, then commit). Administrators only."""

from django.urls import path

from transfer import statistics_views, views

app_name = "imports"

urlpatterns = [
    path("", views.ImportIndexView.as_view(), name="index"),
    path("plan/", views.PlanUploadView.as_view(), name="plan_upload"),
    path("measures/", views.MeasureUploadView.as_view(), name="measures_upload"),
    path("<int:pk>/", views.ImportPreviewView.as_view(), name="preview"),
    path("<int:pk>/commit/", views.ImportCommitView.as_view(), name="commit"),
    path(
        "<int:pk>/new-measures/",
        statistics_views.NewMeasuresView.as_view(),
        name="new_measures",
    ),
]
