from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "licentia.portal"
    verbose_name = "Public portal"
