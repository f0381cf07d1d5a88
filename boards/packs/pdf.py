"""A board pack as a tagged PDF, in volumes when it is long (issue 16)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from boards.models import IssuedPack, Meeting
from boards.packs.html import render_pack_html


def pack_pdf(
    *,
    meeting: Meeting,
    body_html: str,
    as_at_text: str,
    issued: IssuedPack | None,
    volume: dict | None = None,
) -> bytes:
    """The pack as a tagged PDF (PDF/UA-1): A4 landscape, "Page X of Y" on every page, Arial
    (Liberation Sans where Arial is not installed). ``body_html``: the pack's body, from
    ``html.render_pack_html`` or the issued pack. ``volume``: number, total and contents when
    the pack is one of several volumes."""
    from weasyprint import CSS, HTML

    from core.network import offline_url_fetcher

    document = render_to_string(
        "plans/pack_pdf.html",
        {
            "meeting": meeting,
            "body": body_html,
            "as_at_text": as_at_text,
            "issued": issued,
            "volume": volume,
        },
    )
    css = CSS(string=render_to_string("plans/pack_pdf.css", {"meeting": meeting}))
    return HTML(string=document, url_fetcher=offline_url_fetcher()).write_pdf(
        stylesheets=[css], pdf_variant="pdf/ua-1", pdf_tags=True
    )


def volume_limit() -> int:
    """Actions in one PDF volume (PDF_VOLUME_ACTIONS): a pack with more is split by plan."""
    return max(1, int(getattr(settings, "PDF_VOLUME_ACTIONS", 300)))


def action_count(plan: dict) -> int:
    return sum(len(priority["actions"]) for priority in plan["priorities"])


def plan_volumes(plans: list[dict], limit: int) -> list[list[dict]]:
    """The plans in order, grouped into volumes of at most ``limit`` actions (a plan is never
    split: one larger than the limit is a volume of its own)."""
    volumes: list[list[dict]] = []
    current: list[dict] = []
    count = 0
    for plan in plans:
        n = action_count(plan)
        if current and count + n > limit:
            volumes.append(current)
            current, count = [], 0
        current.append(plan)
        count += n
    if current or not volumes:
        volumes.append(current)
    return volumes


def render_pdf_volumes(
    meeting: Meeting, *, snapshot: dict | None = None, issued: IssuedPack | None = None
) -> list[tuple[str, bytes]]:
    """The pack as one PDF, or as several volumes when it has more than ``volume_limit()``
    actions: ``[(filename, pdf bytes), ...]``. An issued pack is rendered from what was issued
    (its frozen HTML when it fits one volume, else its frozen snapshot); a draft from
    ``snapshot`` or, when none is given, the pack built now. Each volume's cover names it
    ("Volume 2 of 4") and the plans in it; the summary, questions, decisions and revisions are
    in volume 1."""
    from boards.packs.stored import pack_file_stem  # the file names downloads are given

    if issued is not None:
        snapshot = issued.snapshot
    elif snapshot is None:
        from boards.packs.snapshot import build_pack

        snapshot = build_pack(meeting)
    stem = pack_file_stem(meeting)
    as_at_text = snapshot.get("as_at_text", "")
    groups = plan_volumes(snapshot["plans"], volume_limit())
    if len(groups) == 1:
        body = issued.html if issued is not None else render_pack_html(snapshot)
        return [(f"{stem}.pdf", pack_pdf(meeting=meeting, body_html=body, as_at_text=as_at_text,
                                         issued=issued))]  # fmt: skip
    out = []
    for number, plans in enumerate(groups, start=1):
        part = {**snapshot, "plans": plans}
        if number > 1:
            part.update(brief=None, questions=[], decisions=[], revisions=None)
        volume = {
            "number": number,
            "total": len(groups),
            "plans": [plan["title"] for plan in plans],
            "actions": sum(action_count(plan) for plan in plans),
        }
        pdf = pack_pdf(
            meeting=meeting,
            body_html=render_pack_html(part),
            as_at_text=as_at_text,
            issued=issued,
            volume=volume,
        )
        out.append((f"{stem}-volume-{number}-of-{len(groups)}.pdf", pdf))
    return out
