from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "ombud.reviews"
    label = "reviews"
