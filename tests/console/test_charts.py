"""Charts drawn on the server: SVG with its title as the accessible name, escaped labels."""

from __future__ import annotations

import re

from bot.console.charts import stacked_bars


def test_a_stacked_bar_chart_is_an_accessible_svg_with_its_totals() -> None:
    svg = stacked_bars("People <by> language", [
        ("العربية", {"telegram": 14, "whatsapp": 6}),
        ("<script>", {"telegram": 1}),
    ], [("telegram", "Telegram"), ("whatsapp", "WhatsApp")])
    assert svg.startswith('<svg class="chart"') and 'role="img"' in svg
    assert 'aria-label="People &lt;by&gt; language"' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert ">20</text>" in svg and ">1</text>" in svg  # each bar's total at its end
    assert svg.count("<rect") == 3 + 2  # three segments, two legend keys


def test_no_rows_is_an_empty_chart_not_an_error() -> None:
    assert "<svg" in stacked_bars("Nobody", [], [("telegram", "Telegram")])


def test_a_long_legend_wraps_onto_lines_inside_the_chart() -> None:
    series = [(f"s{n}", f"a status called {n}") for n in range(6)]
    svg = stacked_bars("Tally", [("Arabic", {"s0": 3, "s5": 1})], series)
    xs = [float(x) for x in re.findall(r'<rect x="([\d.]+)" y="\d+" width="12"', svg)]
    assert len(xs) == 6 and max(xs) < 560 - 17
    height = int(re.search(r'viewBox="0 0 560 (\d+)"', svg).group(1))  # type: ignore[union-attr]
    assert height > 30 + 10 + 24  # more than one legend line
