from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import views

router = SimpleRouter()
router.register("me/devices", views.DeviceViewSet, basename="device")

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login/", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="auth-logout-all"),
    path("auth/password-reset/", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/verify-email/", views.EmailVerifyView.as_view(), name="auth-verify-email"),
    path(
        "auth/verify-email/resend/",
        views.EmailVerifyResendView.as_view(),
        name="auth-verify-email-resend",
    ),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/delete/", views.AccountDeleteView.as_view(), name="me-delete"),
    path("me/email/", views.EmailChangeView.as_view(), name="me-email"),
    path("me/password/", views.PasswordChangeView.as_view(), name="me-password"),
    path("me/export/", views.ExportView.as_view(), name="me-export"),
    *router.urls,
]
