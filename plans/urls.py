from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="list"),
    path("boards/", views.BoardListView.as_view(), name="boards"),
    path("boards/<int:pk>/", views.BoardDetailView.as_view(), name="board"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("<slug:slug>/", views.PlanDetailView.as_view(), name="detail"),
]
