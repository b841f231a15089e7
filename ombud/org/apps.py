from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ombud.org"
    label = "org"
