from django.apps import AppConfig


class PartylistsConfig(AppConfig):
    name = "licentia.partylists"
    verbose_name = "Restricted-party lists"
