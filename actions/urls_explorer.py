"""The actions explorer across all plans."""

from django.urls import path

from actions import explorer

app_name = "explorer"

urlpatterns = [
    path("", explorer.ActionExplorerView.as_view(), name="actions"),
]
