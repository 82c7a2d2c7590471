from django.urls import path

app_name = "products"
urlpatterns: list[object] = []
