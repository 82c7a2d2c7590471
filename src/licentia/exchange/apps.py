from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "licentia.exchange"
    label = "exchange"
    verbose_name = "Exchange between deployments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from licentia.exchange import handlers

        handlers.load_configured_modules()
