from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "licentia.coordination"
    label = "coordination"
    verbose_name = "Coordination between Member States"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Every restrictive decision becomes a denial notice (Art 16(2)), which is then checked
        against the open cases of the other states' authorities here."""
        from licentia.cases.signals import restrictive_decision_recorded
        from licentia.coordination import denials, rechecks

        restrictive_decision_recorded.connect(
            denials.on_restrictive_decision, dispatch_uid="coordination.denial_notice"
        )
        restrictive_decision_recorded.connect(
            rechecks.on_restrictive_decision, dispatch_uid="coordination.recheck_open_cases"
        )
