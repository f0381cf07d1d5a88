"""Links built once per list (plans.links) are the links reverse() gives."""

from django.urls import reverse

from plans.links import url_for_each


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
