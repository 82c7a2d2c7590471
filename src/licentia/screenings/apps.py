from django.apps import AppConfig


class ScreeningsConfig(AppConfig):
    name = "licentia.screenings"
    label = "screenings"
    verbose_name = "Party screening"

    def ready(self) -> None:
        from licentia.partylists.signals import party_list_activated
        from licentia.screenings import services

        party_list_activated.connect(services.on_list_activated, dispatch_uid="screenings-rebuild")
