"""Single sign-on addresses (included at the site root by config/urls.py)."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/sso/<slug:slug>/", views.start, name="start"),
    path("sign-in/sso/<slug:slug>/callback/", views.callback, name="callback"),
    path("signed-out/", views.signed_out, name="signed_out"),
]
