from django.urls import path

from licentia.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.countries_page, name="countries"),
    path("<str:code>/", views.country_page, name="country"),
]
