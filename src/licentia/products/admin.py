from django.contrib import admin

from licentia.products.models import Product, ProductClassification

admin.site.register(Product)
admin.site.register(ProductClassification)
