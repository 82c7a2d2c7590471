from django.apps import AppConfig


class ControllistsConfig(AppConfig):
    name = "licentia.controllists"
