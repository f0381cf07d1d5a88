from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "transfer"
    verbose_name = "Spreadsheet imports and exports"

    def ready(self) -> None:
        from transfer import tasks  # noqa: F401  the export and import jobs' runners (core.tasks)
