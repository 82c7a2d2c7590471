from django.contrib import admin

from licentia.accounts.models import Membership, Organisation

admin.site.register(Organisation)
admin.site.register(Membership)
