from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("theme.css", core_views.theme_css, name="theme_css"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("", include("config.urls_auth")),  # sign-in, sign-out, password reset, keep-alive
    path("plans/", include("boards.urls")),  # the "plans" namespace: plan pages, boards, meetings
    path("actions/", include("actions.urls")),
    path("measures/", include("measures.urls")),
    path("explore/", include("actions.urls_explorer")),
    path("imports/", include("transfer.urls_imports")),
    path("exports/", include("transfer.urls_exports")),
    path("admin/", admin.site.urls),
]
