from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "licentia.indicators"
    verbose_name = "Human-rights indicators"
