from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "licentia.licences"
    label = "licences"
    verbose_name = "Licences"
    default_auto_field = "django.db.models.BigAutoField"
