from django.urls import path

from licentia.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:case_id>/", views.case_page, name="case"),
    path("<int:case_id>/<slug:action>/", views.case_action, name="action"),
]
