from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Actions and RAG updates"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from actions import tasks  # noqa: F401  the reminders job's runner (core.tasks)
        from actions.legend import on_definition_changed, remember_organisation
        from actions.models import RagDefinition

        pre_save.connect(remember_organisation, sender=RagDefinition, dispatch_uid="rag_legend_pre")
        post_save.connect(
            on_definition_changed, sender=RagDefinition, dispatch_uid="rag_legend_save"
        )
        post_delete.connect(
            on_definition_changed, sender=RagDefinition, dispatch_uid="rag_legend_delete"
        )
