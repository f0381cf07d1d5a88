"""The public progress pages: no sign-in, nothing but publications of plans that opted in
(anything else is 404 whatever the address), cacheable by anyone for five minutes."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date
from django.views import View

from core.rag import Rating
from measures import charts
from plans.models import Plan
from publishing.models import PublicAction, Publication
from publishing.suppression import MARK, MEANING

MAX_AGE = 300
FEED_ENTRIES = 20


def published_plans():
    return Plan.objects.filter(publication_setting__enabled=True, publications__isnull=False)


def _publication(slug: str, pk: int | None = None) -> Publication:
    plan = get_object_or_404(published_plans().distinct(), slug=slug)
    publications = Publication.objects.filter(plan=plan).select_related("plan")
    if pk is None:
        publication = publications.order_by("-as_at", "-pk").first()
    else:
        publication = publications.filter(pk=pk).first()
    if publication is None:
        raise Http404
    return publication


def _cacheable(request, response, *, last_modified=None):
    """A public response: cacheable by anyone for a while (not when signed in: those pages carry
    the user's own menu), with an ETag and Last-Modified for 304s."""
    if request.user.is_authenticated:
        return response
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    timestamp = int(last_modified.timestamp()) if last_modified else None
    if timestamp:
        response["Last-Modified"] = http_date(timestamp)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=timestamp, response=response
    )


def _number(text):
    if text in ("", MARK, None):
        return None
    try:
        return float(str(text).replace(",", "").rstrip("%"))
    except ValueError:
        return None


def _chart(measure: dict, prefix: str):
    """The chart at both sizes ({"wide": ..., "narrow": ...}), or None."""
    history = measure["history"]
    if len(history) < 2:
        return None
    return charts.line_charts(
        [{"name": measure["code"], "values": [_number(h["value"]) for h in history]}],
        title=f"{measure['title']}: values by period"
        + (" (figures shown as c are left out)" if any(h["suppressed"] for h in history) else ""),
        id_prefix=f"{prefix}-{measure['id']}",
        x_labels=[h["label"] for h in history],
        y_label=measure["unit"],
        y_min=0,
    )


def _for_display(publication: Publication) -> dict:
    content = publication.content
    ids = [a["id"] for p in content["priorities"] for a in p["actions"] if a["commentary"]]
    # Commentary made private since the publication is hidden at once.
    still_public = set(
        PublicAction.objects.filter(action_id__in=ids, commentary_public=True).values_list(
            "action_id", flat=True
        )
    )
    priorities = [
        {
            **p,
            "actions": [
                a if a["id"] in still_public else {**a, "commentary": "", "updated_text": ""}
                for a in p["actions"]
            ],
        }
        for p in content["priorities"]
    ]
    measures = [{**m, "chart": _chart(m, f"public-{publication.pk}")} for m in content["measures"]]
    suppressed = any(h["suppressed"] for m in content["measures"] for h in m["history"])
    return {
        **content,
        "priorities": priorities,
        "measures": measures,
        "suppressed_any": suppressed,
        "rating_order": [r.value for r in Rating],
    }


class PublicPlanListView(View):
    def get(self, request):
        plans = published_plans().distinct().select_related("organisation").order_by("title")
        response = render(request, "publishing/plan_list.html", {"plans": plans})
        return _cacheable(request, response)


class PublicPlanView(View):
    def get(self, request, slug, pk=None):
        publication = _publication(slug, pk)
        earlier = (
            Publication.objects.filter(plan=publication.plan)
            .exclude(pk=publication.pk)
            .order_by("-as_at")
            .values("pk", "content__as_at_text")[:FEED_ENTRIES]
        )
        response = render(
            request,
            "publishing/plan.html",
            {
                "plan": publication.plan,
                "publication": publication,
                "page": _for_display(publication),
                "earlier": earlier,
                "meaning": MEANING,
                "mark": MARK,
                "is_latest": pk is None,
            },
        )
        return _cacheable(request, response, last_modified=publication.published_at)


def _summary(content: dict, previous: dict | None) -> str:
    counts = content["overall"]["counts"]
    text = ", ".join(f"{c['count']} {c['label'].lower()}" for c in counts if c["count"])
    parts = [f"{content['overall']['total']} actions: {text}." if text else "No actions."]
    if previous is not None:
        before = {a["id"]: a["rating"] for p in previous["priorities"] for a in p["actions"]}
        moved = [
            a
            for p in content["priorities"]
            for a in p["actions"]
            if a["id"] in before and before[a["id"]] != a["rating"]
        ]
        parts.append(
            f"{len(moved)} rating{'s' if len(moved) != 1 else ''} changed since "
            f"{previous['as_at_text']}."
        )
    return " ".join(parts)


class PublicPlanFeedView(View):
    """An Atom feed of a plan's publications, newest first."""

    def get(self, request, slug):
        plan = get_object_or_404(published_plans().distinct(), slug=slug)
        publications = list(
            Publication.objects.filter(plan=plan).order_by("-as_at", "-pk")[: FEED_ENTRIES + 1]
        )
        page_url = request.build_absolute_uri(reverse("publishing:plan", kwargs={"slug": slug}))
        feed = Atom1Feed(
            title=f"{plan.title}: progress",
            link=page_url,
            description=f"Progress of {plan.title}, published from each board pack.",
            language="en-gb",
            feed_url=request.build_absolute_uri(),
            author_name=settings.COUNCIL_NAME,
        )
        host = request.get_host().split(":")[0]
        for index, publication in enumerate(publications[:FEED_ENTRIES]):
            previous = publications[index + 1] if index + 1 < len(publications) else None
            content = publication.content
            link = request.build_absolute_uri(
                reverse("publishing:publication", kwargs={"slug": slug, "pk": publication.pk})
            )
            feed.add_item(
                title=f"Progress as at {content['as_at_text']}",
                link=link,
                description=_summary(content, previous.content if previous else None),
                unique_id=f"tag:{host},{publication.published_at:%Y-%m-%d}:publication-"
                f"{publication.pk}",
                updateddate=publication.published_at,
                pubdate=parse_datetime(content["as_at"]),
            )
        response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
        feed.write(response, "utf-8")
        latest = publications[0].published_at if publications else None
        return _cacheable(request, response, last_modified=latest)
