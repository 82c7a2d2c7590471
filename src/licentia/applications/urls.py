from django.urls import path

from licentia.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/review/", views.application_review, name="review"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("<int:pk>/answer/", views.application_answer, name="answer"),
    path("<int:pk>/appeal/", views.application_appeal, name="appeal"),
    path("<int:pk>/documents/<int:document_id>/", views.document_download, name="document"),
    path("parties/", views.party_list, name="parties"),
    path("parties/new/", views.party_edit, name="party-create"),
    path("parties/<int:party_id>/", views.party_edit, name="party"),
    path("parties/<int:party_id>/delete/", views.party_delete, name="party-delete"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    path(
        "registrations/<int:pk>/withdraw/",
        views.registration_withdraw,
        name="registration-withdraw",
    ),
]
