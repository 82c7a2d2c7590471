from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "licentia.cases"
    label = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Re-run the dossiers of open cases when a party list or a control list changes."""
        from licentia.cases import services
        from licentia.controllists.signals import list_version_imported
        from licentia.partylists.signals import party_list_activated

        party_list_activated.connect(
            services.on_party_list_activated, dispatch_uid="cases.rerun_on_party_list"
        )
        list_version_imported.connect(
            services.on_control_list_imported, dispatch_uid="cases.rerun_on_control_list"
        )
