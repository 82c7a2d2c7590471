from django.urls import path

from licentia.screenings import views

app_name = "screenings"
urlpatterns = [
    path("", views.screen_page, name="screen"),
]
