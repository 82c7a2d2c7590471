from django.contrib import admin
from django.urls import include, path

from licentia.accounts import views as account_views
from licentia.accounts.urls import auth_urlpatterns
from licentia.web.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/login/", account_views.admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("licentia.accounts.urls")),
    path("", include("licentia.controllists.urls")),
    path("products/", include("licentia.products.urls")),
    path("check/", include("licentia.determinations.urls")),
    path("screening/", include("licentia.screenings.urls")),
    path("countries/", include("licentia.indicators.urls")),
    path("risk/", include("licentia.riskassessments.urls")),
    path("cases/", include("licentia.cases.urls")),
    path("applications/", include("licentia.applications.urls")),
    path("notifications/", include("licentia.notifications.urls")),
    path("coordination/", include("licentia.coordination.urls")),
    path("open/", include("licentia.portal.urls")),
    path("", include("licentia.licences.urls")),
]
