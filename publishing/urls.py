from django.urls import path

from publishing import manage, views

app_name = "publishing"

urlpatterns = [
    path("", views.PublicPlanListView.as_view(), name="list"),
    path("<slug:slug>/", views.PublicPlanView.as_view(), name="plan"),
    path("<slug:slug>/feed/", views.PublicPlanFeedView.as_view(), name="feed"),
    path("<slug:slug>/settings/", manage.PublicationSettingsView.as_view(), name="manage"),
    path("<slug:slug>/<int:pk>/", views.PublicPlanView.as_view(), name="publication"),
]
