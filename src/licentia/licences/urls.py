from django.urls import path

from licentia.licences import views

app_name = "licences"
urlpatterns = [
    path("licences/", views.licence_list, name="list"),
    path("licences/records.csv", views.export_records, {"fmt": "csv"}, name="records-csv"),
    path("licences/records.json", views.export_records, {"fmt": "json"}, name="records-json"),
    path("licences/<int:licence_id>/", views.licence_detail, name="detail"),
    path("licences/<int:licence_id>/licence.pdf", views.download_pdf, name="pdf"),
    path("licences/<int:licence_id>/shipments/", views.record_shipment, name="shipment"),
    path("licences/<int:licence_id>/surrender/", views.surrender, name="surrender"),
    path("licences/<int:licence_id>/amend/", views.amend, name="amend"),
    path("licences/<int:licence_id>/<str:action>/", views.act, name="act"),
    path("verify/", views.verify, name="verify"),
]
