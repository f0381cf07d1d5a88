from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from core import views as core_views

MOVED_ADMIN_MODELS = {
    "core": ["organisation", "person", "auditevent"],
    "boards": ["board", "boardmembership", "meeting", "issuedpack"],
    "transfer": ["planimport"],
}

# A bad request (a form with too many fields, say) gets the GOV.UK page, rendered without the
# database.
handler400 = "config.middleware.bad_request"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("theme.css", core_views.theme_css, name="theme_css"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("jobs/", core_views.jobs, name="jobs"),
    path("jobs/reminders/", core_views.start_reminders, name="jobs_start_reminders"),
    path("jobs/<int:pk>/", core_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", core_views.job_download, name="job_download"),
    path("", include("config.urls_auth")),  # sign-in, sign-out, password reset, keep-alive
    path("", include("accounts.urls")),  # single sign-on
    path("plans/", include("boards.urls")),  # the "plans" namespace: plan pages, boards, meetings
    path("actions/", include("actions.urls")),
    path("measures/", include("measures.urls")),
    path("explore/", include("actions.urls_explorer")),
    path("imports/", include("transfer.urls_imports")),
    path("exports/", include("transfer.urls_exports")),
    path("inspections/", include("inspections.urls")),
    path("api/v1/", include("api.urls")),
    path("public/", include("publishing.urls")),
    *(
        # Admin pages of the models that left the plans app keep working at their old address.
        re_path(
            rf"^admin/plans/(?P<model>{'|'.join(models)})/(?P<rest>.*)$",
            RedirectView.as_view(url=f"/admin/{app}/%(model)s/%(rest)s", query_string=True),
        )
        for app, models in MOVED_ADMIN_MODELS.items()
    ),
    path("admin/", admin.site.urls),
]
