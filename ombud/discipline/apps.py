from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "ombud.discipline"
    label = "discipline"
