from django.apps import AppConfig


class WorldConfig(AppConfig):
    name = "ombud.world"
    label = "world"
