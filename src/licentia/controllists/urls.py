from django.urls import path

from licentia.controllists import views

app_name = "controls"
urlpatterns = [
    path("", views.home, name="home"),
]
