"""Reads for plan pages: the plan list, the plan document (its structure from
``priorities.selectors``, its actions from here) and a plan's page; each returns everything a page
shows in a fixed number of queries."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import (
    BigIntegerField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    TextField,
    Value,
)

from actions.models import Action, ActionLink, StatusUpdate, SubAction
from boards.models import Board
from core.links import url_for_each
from core.presentation import legend_for
from core.queries import union_branch
from core.rag import Rating
from plans.models import Plan, PlanLink
from priorities.selectors import (
    answers_from,
    key_issue_branches,
    key_issues_from,
    plan_structure,
)


def plans_for_listing(plans) -> list[Plan]:
    """The given plans (a queryset) in the list's order, each with its ``url``, ``n_actions`` and
    the number of its actions at each rating (``n_red``, ``n_amber``...): two queries whatever
    the number of plans, the counts read from the (plan, rating) index rather than by joining
    every action to its plan."""
    plans = list(
        plans.select_related("organisation").order_by("organisation__name", "-start", "title")
    )
    counts = defaultdict(Counter)
    rows = (
        Action.objects.filter(plan__in=[plan.pk for plan in plans])
        .order_by()
        .values_list("plan_id", "rating")
        .annotate(n=Count("*"))
    )
    for plan_id, rating, n in rows:
        counts[plan_id][rating] = n
    plan_url = url_for_each("plans:detail", "slug")
    for plan in plans:
        plan.url = plan_url(plan.slug)
        plan.n_actions = counts[plan.pk].total()
        for rating in Rating:
            setattr(plan, f"n_{rating.value}", counts[plan.pk][rating.value])
    return plans


LATEST_UPDATE_FIELDS = ("created_at", "author_name", "commentary", "illustrative")


def _tag_names_and_link_titles(plan: Plan) -> tuple[dict, dict]:
    """{action pk: [tag name, ...]} (by name) and {action pk: [link title, ...]} (in the links'
    order) for every action of the plan, in one query (a UNION ALL of the two tables)."""
    tags = union_branch(
        Action.tags.through.objects.filter(action__plan=plan),
        kind=Value("tag"),
        action="action_id",
        position=Value(0, output_field=IntegerField()),
        sort="tag__name",
        pk="tag_id",
        text="tag__name",
    )
    links = union_branch(
        ActionLink.objects.filter(action__plan=plan),
        kind=Value("link"),
        action="action_id",
        position="order",
        sort=Value("", output_field=TextField()),  # in their order, not their titles'
        pk="pk",
        text="title",
    )
    found = {"tag": defaultdict(list), "link": defaultdict(list)}
    rows = tags.union(links, all=True).order_by("row_position", "row_sort", "row_pk")
    for kind, action_id, _, _, _, text in rows:
        found[kind][action_id].append(text)
    return found["tag"], found["link"]


def plan_document(plan: Plan) -> dict:
    """The whole plan as councils print it: priority, outcome, objective, actions (the tree of
    ``priorities.selectors.PlanStructure``).

    Each action carries ``url`` (its page), ``latest_update`` (a dict of ``LATEST_UPDATE_FIELDS``
    of its latest status update, or None), ``sub_action_list`` (its sub-actions in order),
    ``tag_names`` and ``link_titles`` (lists of strings)."""
    structure = plan_structure(plan)
    actions = document_actions(plan)
    return {
        "tree": structure.tree(actions),
        "n_actions": len(actions),
        "plan_statements": structure.plan_statements(),
        "legend": legend_for(plan.organisation),
    }


def document_actions(plan: Plan) -> list[Action]:
    """The plan's actions in order, each with its lead, sub-actions, latest update, tags and
    links (four queries)."""
    latest = StatusUpdate.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-pk")
    actions = list(
        Action.objects.filter(plan=plan)
        .select_related("lead")
        .prefetch_related(
            Prefetch(
                "sub_actions",
                queryset=SubAction.objects.order_by("order", "pk"),
                to_attr="sub_action_list",
            )
        )
        .annotate(latest_update_id=Subquery(latest.values("pk")[:1]))
        .order_by("sequence", "pk")
    )
    tag_names, link_titles = _tag_names_and_link_titles(plan)
    # The current rating comes with its latest commentary: one query for all of them, by primary
    # key and unordered (the model's ordering would join every action of every plan).
    updates = StatusUpdate.objects.order_by().filter(
        pk__in=[a.latest_update_id for a in actions if a.latest_update_id]
    )
    latest_update = {update["pk"]: update for update in updates.values("pk", *LATEST_UPDATE_FIELDS)}
    action_url = url_for_each("actions:detail")
    for action in actions:
        action.url = action_url(action.pk)
        action.latest_update = latest_update.get(action.latest_update_id)
        action.tag_names = tag_names.get(action.pk, [])
        action.link_titles = link_titles.get(action.pk, [])
    return actions


@dataclass(frozen=True)
class Linked:
    """A board overseeing a plan, or a plan's related plan or document, as its page lists it."""

    title: str
    url: str = ""  # a board's page; a document's address as written (maybe not a web address)
    plan_url: str = ""  # a related plan's page


class _Particular(NamedTuple):
    """A row of the union in ``plan_particulars`` (after its kind)."""

    parent: int | None
    position: int
    sort: str
    pk: int
    number: str
    title: str
    text: str
    slug: str | None


def plan_particulars(plan: Plan) -> dict:
    """What a plan's page shows besides its tree, in one query (a UNION ALL of small lists): its
    partners, the boards overseeing it, its related plans and documents, its key issues and the
    numbers of the key issues each priority answers."""
    none = Value(None, output_field=BigIntegerField())
    blank = Value("", output_field=TextField())
    zero = Value(0, output_field=IntegerField())
    branches = [
        # (kind, parent, position, sort, pk, number, title, text, slug)
        *key_issue_branches(plan),
        union_branch(
            Plan.partners.through.objects.filter(plan=plan),
            kind=Value("partner"), parent=none, position=zero, sort="organisation__name",
            pk="organisation_id", number=blank, title="organisation__name", text=blank,
            slug=blank,
        ),
        union_branch(
            Board.plans.through.objects.filter(plan=plan),
            kind=Value("board"), parent=none, position=zero, sort="board__name", pk="board_id",
            number=blank, title="board__name", text=blank, slug=blank,
        ),
        union_branch(
            PlanLink.objects.filter(plan=plan),
            kind=Value("link"), parent=none, position="order", sort=blank, pk="pk",
            number=blank, title="title", text="url", slug="related_plan__slug",
        ),
    ]  # fmt: skip
    first, *others = branches
    rows = first.union(*others, all=True).order_by("row_position", "row_sort", "row_pk")
    found = defaultdict(list)
    for kind, *values in rows:
        found[kind].append(_Particular(*values))
    return {
        "partners": [row.title for row in found["partner"]],
        "boards": [
            Linked(row.title, Board(pk=row.pk).get_absolute_url()) for row in found["board"]
        ],
        "links": [
            Linked(row.title, row.text, Plan(slug=row.slug).get_absolute_url() if row.slug else "")
            for row in found["link"]
        ],
        "key_issues": key_issues_from(found["issue"], plan, rows.db),
        "key_issues_answered": answers_from(found["answers"]),
    }


def plan_page(plan: Plan) -> dict:
    """Everything the plan's page shows: its document (as the exports read it) and its
    particulars, each priority with the numbers of the key issues it answers."""
    page = plan_document(plan)
    page.update(plan_particulars(plan))
    answered = page.pop("key_issues_answered")
    for node in page["tree"]:
        node["key_issues"] = answered.get(node["priority"].pk, [])
    return page
