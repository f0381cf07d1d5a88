from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and API keys"

    def ready(self):
        from api import schema  # noqa: F401 - registers the schema's authentication extensions
