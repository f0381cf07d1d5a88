from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.InspectionListView.as_view(), name="list"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="detail"),
    path("<int:pk>/evidence-pack/", views.EvidencePackView.as_view(), name="evidence_pack"),
    path(
        "recommendations/<int:pk>/",
        views.RecommendationDetailView.as_view(),
        name="recommendation",
    ),
    path(
        "recommendations/<int:pk>/actions/",
        views.RecommendationActionsView.as_view(),
        name="recommendation_actions",
    ),
    path(
        "actions/<int:pk>/recommendations/",
        views.ActionRecommendationsView.as_view(),
        name="action_recommendations",
    ),
    path(
        "deadlines/<int:pk>/override/",
        views.DeadlineOverrideView.as_view(),
        name="deadline_override",
    ),
    path("plans/<slug:slug>/readiness/", views.ReadinessView.as_view(), name="readiness"),
    path("self-evaluations/", views.SelfEvaluationListView.as_view(), name="self_evaluations"),
    path(
        "self-evaluations/<int:pk>/",
        views.SelfEvaluationDetailView.as_view(),
        name="self_evaluation",
    ),
    path(
        "self-evaluations/<int:pk>/self-evaluation.pdf",
        views.SelfEvaluationExportView.as_view(),
        name="self_evaluation_pdf",
    ),
]
