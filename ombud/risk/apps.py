from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "ombud.risk"
    label = "risk"
