from django.apps import AppConfig
from django.db.models.signals import pre_delete


class LicencesConfig(AppConfig):
    name = "licentia.licences"
    label = "licences"
    verbose_name = "Licences"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from licentia.licences.models import Shipment
        from licentia.licences.records import refuse_early_deletion

        pre_delete.connect(refuse_early_deletion, sender=Shipment, dispatch_uid="shipment-art27")
