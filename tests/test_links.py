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
