"""The charts read on a 360 px phone: the smallest text, scaled to the screen, is at least 10 px."""

from __future__ import annotations

import re

import pytest

from core.charts import Bar, Series, bar_chart_svg, line_chart_svg

PHONE_CONTENT_WIDTH = 328  # 360 px minus the page's side padding


def _smallest_text_on_a_phone(svg: str) -> float:
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg))
    return smallest * min(PHONE_CONTENT_WIDTH, width) / width


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart_svg(
            chart_id="bars",
            title="t",
            description="d",
            bars=[Bar(label="Trung tâm Trợ giúp pháp lý nhà nước", percent=96.32, text="96,32% (131/136)")],
        ),
        line_chart_svg(
            chart_id="trend",
            title="t",
            description="d",
            labels=[("15/06", str(2025 + i // 2)) for i in range(8)],
            series=[Series(name="s", values=[10.0 * i for i in range(8)])],
        ),
    ],
)
def test_chart_text_is_readable_at_360_px(svg):
    assert _smallest_text_on_a_phone(svg) >= 10
