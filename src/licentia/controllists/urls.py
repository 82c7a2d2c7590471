from django.urls import path

from licentia.controllists import views

app_name = "controls"
urlpatterns = [
    path("", views.home, name="home"),
    path("controls/", views.browse, name="browse"),
    path("controls/compare/", views.compare, name="compare"),
    path("controls/<str:regime>/<str:version>/<str:path>/", views.entry, name="entry"),
    path("classify/", views.classify, name="classify"),
]
