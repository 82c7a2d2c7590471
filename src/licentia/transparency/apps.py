from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "licentia.transparency"
    label = "transparency"
    verbose_name = "Transparency reports"
