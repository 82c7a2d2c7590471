from django.urls import path

from licentia.coordination import views

app_name = "coordination"
urlpatterns = [
    path("", views.denial_list, name="denials"),
    path("denials/<int:pk>/", views.denial_page, name="denial"),
    path("denials/<int:pk>/review/", views.denial_review, name="denial-review"),
    path("matches/", views.matches, name="matches"),
    path("consultations/", views.consultation_list, name="consultations"),
    path("consultations/new/", views.consultation_request, name="consult"),
    path("consultations/<int:pk>/", views.consultation_page, name="consultation"),
    path(
        "consultations/<int:pk>/<slug:action>/",
        views.consultation_action,
        name="consultation-action",
    ),
    path("catch-all/", views.catch_all_list, name="catch-alls"),
    path("catch-all/new/", views.catch_all_impose, name="catch-all-impose"),
    path("catch-all/<int:pk>/", views.catch_all_page, name="catch-all"),
    path("catch-all/<int:pk>/<slug:action>/", views.catch_all_action, name="catch-all-action"),
    path("grants-despite-denial/", views.grants, name="grants"),
    path("analytics/", views.analytics_page, name="analytics"),
]
