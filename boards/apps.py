from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = "Boards, meetings and packs"

    def ready(self):
        from boards import tasks  # noqa: F401  the pack files job's runner (core.tasks)
