from django.urls import path

from licentia.riskassessments import views

app_name = "riskassessments"
urlpatterns = [
    path("", views.risk_page, name="risk"),
]
