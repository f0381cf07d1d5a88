"""Read again the timescales the parser did not understand when they were saved: the parser
now reads seasons, school terms, a year on its own, a week commencing, two months joined by "/"
and weekly or fortnightly actions (ADR 0002). Only rows kept as "not understood" are looked at,
in batches; text is never changed, only what it is understood to mean."""

from django.db import migrations

BATCH = 500


def read_again(apps, schema_editor):
    from actions.timescales import TimescaleKind, parse_timescale

    for name in ("Action", "SubAction"):
        model = apps.get_model("actions", name)
        unread = model.objects.filter(timescale_kind=TimescaleKind.UNPARSED).exclude(
            timescale_text=""
        )
        changed = []
        for row in unread.only("pk", "timescale_text").iterator(chunk_size=BATCH):
            parsed = parse_timescale(row.timescale_text)
            if parsed.kind == TimescaleKind.UNPARSED:
                continue
            row.timescale_kind = parsed.kind
            row.timescale_start = parsed.start
            row.timescale_due = parsed.due_date
            row.timescale_label = parsed.label
            changed.append(row)
        model.objects.bulk_update(
            changed,
            ["timescale_kind", "timescale_start", "timescale_due", "timescale_label"],
            batch_size=BATCH,
        )


class Migration(migrations.Migration):
    dependencies = [("actions", "0008_reminder_sent_plural_name")]

    operations = [migrations.RunPython(read_again, migrations.RunPython.noop)]
