"""What every export leaves behind: the audit record of the download. The workbooks and CSV files
themselves are written with ``core.spreadsheets``."""

from __future__ import annotations

from core.models import AuditEvent


def log_export(*, user, summary: str, detail: dict, request=None, username: str = "") -> AuditEvent:
    """Record who exported what, and when (an ``AuditEvent`` of kind EXPORT, written through
    ``core.audit.record`` like every other audit event)."""
    from core import audit

    extra = {"username": username} if username else {}
    return audit.record(
        AuditEvent.Kind.EXPORT,
        request=request,
        user=user if user is not None and user.is_authenticated else None,
        summary=summary,
        **extra,
        **detail,
    )
