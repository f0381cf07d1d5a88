"""Links built once per list (plans.links) are the links reverse() gives."""

from django.urls import reverse

from core.links import url_for_each


def test_links_for_ids_and_slugs_match_reverse():
    action_url = url_for_each("actions:detail")
    assert [action_url(pk) for pk in (1, 42, 2147483647)] == [
        reverse("actions:detail", kwargs={"pk": pk}) for pk in (1, 42, 2147483647)
    ]
    plan_url = url_for_each("plans:detail", "slug")
    assert plan_url("childrens-plan-2023") == reverse(
        "plans:detail", kwargs={"slug": "childrens-plan-2023"}
    )


def test_a_script_prefix_is_kept(settings):
    from django.urls import clear_script_prefix, set_script_prefix

    set_script_prefix("/council/")
    try:
        assert url_for_each("actions:detail")(7) == "/council/actions/7/"
    finally:
        clear_script_prefix()


def test_the_pagination_tag_shows_nothing_for_one_page_and_keeps_the_query_otherwise(rf):
    from django.core.paginator import Paginator
    from django.template import Context, Template

    template = Template('{% load pagination %}{% govuk_pagination page "plans" param %}')
    request = rf.get("/plans/portfolio/", {"status": "active", "p-page": "2"})
    one = Paginator(range(5), 10).page(1)
    assert (
        template.render(Context({"request": request, "page": one, "param": "page"})).strip() == ""
    )
    assert template.render(Context({"request": request, "page": "", "param": "page"})).strip() == ""
    second = Paginator(range(25), 10).page(2)
    html = template.render(Context({"request": request, "page": second, "param": "p-page"}))
    assert "Showing 11 to 20 of 25 plans" in html
    assert 'aria-label="Pages of plans"' in html
    assert 'href="?status=active&amp;p-page=1" rel="prev"' in html
    assert 'href="?status=active&amp;p-page=3" rel="next"' in html
    assert 'aria-current="page">2</a>' in html


def test_day_texts_in_long_and_short_form_in_london_time():
    from datetime import UTC, date, datetime

    from core.formatting import day_text, short_day_text

    assert day_text(date(2024, 9, 3)) == "3 September 2024"
    assert short_day_text(date(2024, 9, 3)) == "3 Sep 2024"
    late = datetime(2024, 6, 30, 23, 30, tzinfo=UTC)  # already 1 July in London (BST)
    assert (day_text(late), short_day_text(late)) == ("1 July 2024", "1 Jul 2024")
    assert day_text(None) == short_day_text("") == ""
