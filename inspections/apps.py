from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspections, recommendations and self-evaluation"

    def ready(self) -> None:
        from boards.panels import PlanPanel, register
        from inspections import tasks  # noqa: F401  the evidence pack job's runner (core.tasks)
        from inspections.selectors import recommendation_progress_by_plan

        # Progress per inspection finding on the plan dashboard and in the meeting pack.
        register(
            PlanPanel(
                key="recommendation_progress",
                template="inspections/_panel.html",
                rows_by_plan=lambda plan_ids, as_at, **reads: recommendation_progress_by_plan(
                    plan_ids, as_at, with_measures=False, **reads
                ),
            )
        )
