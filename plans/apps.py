from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans, organisations, people and boards"

    def ready(self):
        from . import audit  # noqa: F401 - connects the sign-in audit receivers
