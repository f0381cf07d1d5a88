"""Sign-in, sign-out, password reset by e-mail and the session keep-alive.

Included from config/urls.py at the site root; the names are Django's own (``login``,
``password_reset_done``...) so that its views find each other.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import SignOutView
from config import auth_views as views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("session/keep-alive/", views.session_keepalive, name="session_keepalive"),
]
