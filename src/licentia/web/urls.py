from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from licentia.web.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("licentia.controllists.urls")),
    path("products/", include("licentia.products.urls")),
    path("check/", include("licentia.determinations.urls")),
    path("screening/", include("licentia.screenings.urls")),
    path("countries/", include("licentia.indicators.urls")),
    path("risk/", include("licentia.riskassessments.urls")),
]
