"""Account pages. `auth_urlpatterns` keep Django's own names (login, logout, password_reset...),
which its views and templates reverse without a namespace."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from licentia.accounts import views

app_name = "accounts"

urlpatterns = [
    path("security/", views.security, name="security"),
    path("mfa/", views.mfa_verify, name="mfa-verify"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa-enrol"),
    path("mfa/recovery-codes/", views.recovery_codes, name="mfa-recovery-codes"),
    path("mfa/remove/", views.mfa_remove, name="mfa-remove"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]

auth_urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
