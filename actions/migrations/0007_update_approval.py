"""Approval of updates (issue 14). On SQLite, adding columns rebuilds the history table, which
drops the partial index of migration 0003: it is made again at the end (a no-op elsewhere)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0006_evidence_attachments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='approval',
            field=models.CharField(choices=[('approved', 'Approved'), ('submitted', 'Submitted for approval'), ('returned', 'Returned')], default='approved', help_text='Boards see approved updates only (plans whose updates need approval).', max_length=10),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='approved_at',
            field=models.DateTimeField(blank=True, help_text='Blank for updates that needed no approval.', null=True),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='review_comment',
            field=models.TextField(blank=True, max_length=2000, verbose_name='comment when returned'),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Who approved or returned it.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='approval',
            field=models.CharField(choices=[('approved', 'Approved'), ('submitted', 'Submitted for approval'), ('returned', 'Returned')], default='approved', help_text='Boards see approved updates only (plans whose updates need approval).', max_length=10),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='approved_at',
            field=models.DateTimeField(blank=True, help_text='Blank for updates that needed no approval.', null=True),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='review_comment',
            field=models.TextField(blank=True, max_length=2000, verbose_name='comment when returned'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, help_text='Who approved or returned it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS actions_histupdate_deleted_by_action "
            "ON actions_historicalstatusupdate (action_id) WHERE history_type = '-'",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
