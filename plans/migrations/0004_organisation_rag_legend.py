from django.db import migrations, models


def copy_definitions(apps, schema_editor):
    """Fill each organisation's copy of its RAG definitions from the definitions table."""
    Organisation = apps.get_model("plans", "Organisation")
    RagDefinition = apps.get_model("actions", "RagDefinition")
    legends = {}
    for d in RagDefinition.objects.all():
        legends.setdefault(d.organisation_id, {})[d.rating] = {
            "label": d.label,
            "meaning": d.meaning,
        }
    for pk, legend in legends.items():
        Organisation.objects.filter(pk=pk).update(rag_legend=legend)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0002_reminder_sent"),
        ("plans", "0003_audit_packs_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="rag_legend",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="A copy of the organisation's RAG definitions (rating: label and "
                "meaning), kept up to date when they change, so that pages show the legend "
                "without a query.",
            ),
        ),
        migrations.RunPython(copy_definitions, migrations.RunPython.noop),
    ]
