"""The API, version 1: ``/api/v1/<table>/`` (JSON or CSV, by pages), ``/api/v1/<table>.csv``
(the whole table), ``/api/v1/schema/`` (OpenAPI 3)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views
from api.tables import TABLES

app_name = "api"

urlpatterns = [
    path("", views.ApiIndexView.as_view(), name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
for _table in TABLES:
    urlpatterns += [
        path(f"{_table.name}/", views.list_view(_table.name), name=f"{_table.basename}-list"),
        path(f"{_table.name}.csv", views.csv_view(_table.name), name=f"{_table.basename}-csv"),
    ]
