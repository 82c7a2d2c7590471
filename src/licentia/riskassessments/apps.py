from django.apps import AppConfig


class RiskAssessmentsConfig(AppConfig):
    name = "licentia.riskassessments"
    label = "riskassessments"
    verbose_name = "Human-rights risk assessments"
