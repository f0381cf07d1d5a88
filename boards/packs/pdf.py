"""A board pack as a tagged PDF."""

from __future__ import annotations

from django.template.loader import render_to_string

from boards.models import IssuedPack, Meeting


def pack_pdf(
    *, meeting: Meeting, body_html: str, as_at_text: str, issued: IssuedPack | None
) -> bytes:
    """The pack as a tagged PDF (PDF/UA-1): A4 landscape, "Page X of Y" on every page, Arial
    (Liberation Sans where Arial is not installed). ``body_html``: the pack's body, from
    ``html.render_pack_html`` or the issued pack."""
    from weasyprint import CSS, HTML

    from core.network import offline_url_fetcher

    document = render_to_string(
        "plans/pack_pdf.html",
        {"meeting": meeting, "body": body_html, "as_at_text": as_at_text, "issued": issued},
    )
    css = CSS(string=render_to_string("plans/pack_pdf.css", {"meeting": meeting}))
    return HTML(string=document, url_fetcher=offline_url_fetcher()).write_pdf(
        stylesheets=[css], pdf_variant="pdf/ua-1", pdf_tags=True
    )
