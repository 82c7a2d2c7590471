from django.apps import AppConfig


class DeterminationsConfig(AppConfig):
    name = "licentia.determinations"

    def ready(self) -> None:
        from licentia.determinations import checks  # noqa: F401  (registers the system check)
