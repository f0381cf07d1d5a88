"""The exception table at 960 px (a laptop): four columns that fit the width, so nothing
scrolls sideways (neither the page nor the table's own region) and every column header is on
screen and wide enough to read. (320 and 768 px: test_reflow.)"""

import pytest
from django.urls import reverse

from .conftest import run_axe, save_artifacts, sign_in
from .test_accessibility import IMPROVEMENT_PLAN

pytestmark = pytest.mark.browser

MEASURE_JS = r"""() => {
    const vw = window.innerWidth;
    const tables = [...document.querySelectorAll('table.app-exceptions__table')];
    return {
        vw,
        page: document.documentElement.scrollWidth,
        tables: tables.map((table) => {
            const region = table.closest('.app-table-wrap');
            return {
                region: [region.scrollWidth, region.clientWidth],
                rows: table.querySelectorAll('tbody tr').length,
                headers: [...table.querySelectorAll('thead th')].map((th) => {
                    const r = th.getBoundingClientRect();
                    return {text: th.textContent.trim(), left: r.left, right: r.right,
                            width: r.width, hidden: getComputedStyle(th).visibility === 'hidden'};
                }),
            };
        }),
    };
}"""

HEADERS = ["No.", "Action and lead", "Why reported", "The issue and what is being done"]


def test_the_exception_table_reads_well_at_960_px(browser, live_demo, request):
    context = browser.new_context(base_url=live_demo.url, viewport={"width": 960, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, "councillor")
        page.goto(reverse("plans:exceptions", kwargs={"slug": IMPROVEMENT_PLAN}))
        seen = page.evaluate(MEASURE_JS)
        assert seen["page"] <= seen["vw"], f"the page is {seen['page']} px wide"
        tables = [t for t in seen["tables"] if t["rows"]]
        assert tables, "the demo plan reports some actions by exception"
        for table in tables:
            scroll_width, client_width = table["region"]
            assert scroll_width <= client_width, f"the table scrolls: {table['region']}"
            assert [h["text"] for h in table["headers"]] == HEADERS
            for header in table["headers"]:
                assert not header["hidden"] and header["width"] >= 40, header
                assert header["left"] >= 0 and header["right"] <= seen["vw"], header
        blocking = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
        assert blocking == []
    except Exception:
        save_artifacts(page, request.node.nodeid)
        raise
    finally:
        context.close()
