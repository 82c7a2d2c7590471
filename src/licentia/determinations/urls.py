from django.urls import path

from licentia.determinations import views

app_name = "determinations"
urlpatterns = [
    path("", views.check, name="check"),
]
