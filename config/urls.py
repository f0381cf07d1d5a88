from django.contrib import admin
from django.urls import include, path

from plans import views as plan_views

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("theme.css", plan_views.theme_css, name="theme_css"),
    path("accessibility/", plan_views.accessibility, name="accessibility"),
    path("", include("config.urls_auth")),  # sign-in, sign-out, password reset, keep-alive
    path("plans/", include("plans.urls")),
    path("actions/", include("actions.urls")),
    path("measures/", include("measures.urls")),
    path("explore/", include("actions.urls_explorer")),
    path("imports/", include("plans.urls_imports")),
    path("exports/", include("plans.urls_exports")),
    path("admin/", admin.site.urls),
]
