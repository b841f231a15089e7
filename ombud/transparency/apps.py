from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "ombud.transparency"
    label = "transparency"
