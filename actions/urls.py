from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("mine/", views.MyActionsView.as_view(), name="mine"),
    path("<int:pk>/", views.ActionDetailView.as_view(), name="detail"),
    path("<int:pk>/update/", views.StatusUpdateView.as_view(), name="update"),
]
