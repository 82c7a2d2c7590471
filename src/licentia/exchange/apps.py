from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "licentia.exchange"
    label = "exchange"
    verbose_name = "Exchange between deployments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from licentia.exchange import handlers

        handlers.load_configured_modules()
        self._follow_coordination_outbox()

    def _follow_coordination_outbox(self) -> None:
        """A committed coordination message is handed to the exchange and pushed at once
        (`licentia exchange sync` does the same later for whatever this misses)."""
        from django.apps import apps
        from django.db import transaction
        from django.db.models.signals import post_save

        if not apps.is_installed("licentia.coordination"):
            return
        try:
            outgoing = apps.get_model("coordination", "OutgoingMessage")
        except LookupError:
            return

        def handed_over(sender: object, created: bool = False, **kwargs: object) -> None:
            from licentia.exchange import conf, services

            if created and conf.push_on_commit():
                transaction.on_commit(services.collect_and_push)

        post_save.connect(handed_over, sender=outgoing, weak=False, dispatch_uid="exchange-outbox")
