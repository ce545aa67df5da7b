"""Charts drawn on the server as SVG: no JavaScript, nothing to load, printable.

    svg = stacked_bars("People by language and channel", rows, series)

`rows` are (label, {series: value}); each row is one horizontal bar made of its series'
segments, with the total at its end and a legend below. The SVG is `role="img"` with the
title as its accessible name; pages show the same numbers in a table beside it, for screen
readers and for copying. Texts are escaped; sizes are in the SVG's own units and it scales
to the width of its box.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

PALETTE = ("#1f4e79", "#2f7d6d", "#b7791f", "#7b5ea7", "#a23b4a", "#5a6b7d", "#3f8fc0")
"""Calm colours, each with a contrast of at least 3:1 on white, told apart without colour by
the legend's order."""
WIDTH = 560
ROW = 30
LABEL = 130
"""The least room for the labels left of the bars (more for a longer label)."""
GAP = 10


def stacked_bars(title: str, rows: Sequence[tuple[str, Mapping[str, int]]],
                 series: Sequence[tuple[str, str]]) -> Markup:
    """Horizontal stacked bars. `series`: (key, label shown in the legend), in order."""
    colours = {key: PALETTE[i % len(PALETTE)] for i, (key, _) in enumerate(series)}
    top = max((sum(values.values()) for _, values in rows), default=0) or 1
    longest = max((len(label) for label, _ in rows), default=0)
    label_width = min(max(LABEL, 16 + 8 * longest), WIDTH // 2)  # room for the longest label
    room = WIDTH - label_width - 50
    legend_y = len(rows) * ROW + GAP
    places, lines = _legend(series, float(label_width))
    height = legend_y + 24 * lines
    parts = [Markup('<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
                    'aria-label="{t}" xmlns="http://www.w3.org/2000/svg" '
                    'font-family="system-ui, sans-serif" font-size="13">'
                    '<title>{t}</title>').format(w=WIDTH, h=height, t=title)]
    for index, (label, values) in enumerate(rows):
        y = index * ROW
        parts.append(Markup('<text x="{x}" y="{y}" text-anchor="end" fill="#1c2430" '
                            'dominant-baseline="middle">{label}</text>').format(
            x=label_width - 8, y=y + ROW / 2, label=label))
        x = float(label_width)
        for key, name in series:
            value = values.get(key, 0)
            if not value:
                continue
            width = value / top * room
            parts.append(Markup('<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{h}" '
                                'fill="{c}"><title>{label}, {name}: {v}</title></rect>'
                                ).format(x=x, y=y + 5, w=max(width, 1.5), h=ROW - 10,
                                         c=colours[key], label=label, name=name, v=value))
            x += width
        parts.append(Markup('<text x="{x:.1f}" y="{y}" fill="#505c6b" '
                            'dominant-baseline="middle">{total}</text>').format(
            x=x + 6, y=y + ROW / 2, total=sum(values.values())))
    for (key, name), (x, line) in zip(series, places, strict=True):
        y = legend_y + 24 * line
        parts.append(Markup('<rect x="{x:.1f}" y="{y}" width="12" height="12" rx="2" '
                            'fill="{c}"/><text x="{tx:.1f}" y="{ty}" fill="#1c2430" '
                            'dominant-baseline="middle">{name}</text>').format(
            x=x, y=y, c=colours[key], tx=x + 17, ty=y + 6, name=name))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _legend(series: Sequence[tuple[str, str]], start: float
            ) -> tuple[list[tuple[float, int]], int]:
    """Where each legend key goes (x, line), starting under the bars and wrapping onto a
    new line where the next would run past the chart's width; and how many lines."""
    places: list[tuple[float, int]] = []
    x, line = start, 0
    for _, name in series:
        width = 17 + 8 * len(str(escape(name))) + 22
        if x + width > WIDTH and x > start:
            x, line = start, line + 1
        places.append((x, line))
        x += width
    return places, line + 1


WEEK_STEP = 22
WEEK_BAR = 14
WEEK_HEIGHT = 48


def week_shares(title: str, weeks: Sequence[tuple[str, float | None, int, str]],
                colour: str = PALETTE[1]) -> Markup:
    """A small chart of a share week by week (0 to 100 %): one bar per week, its height the
    share, the number of answers under it so that the bar is read with its weight. `weeks`:
    (label, share 0..1 or None when there are too few answers to show one, count, tooltip).
    A week with a count but too few answers is a dashed outline without height; a week
    without any is a thin mark on the baseline. A dotted line marks 50 %."""
    width = max(len(weeks), 1) * WEEK_STEP + 4
    height = WEEK_HEIGHT + 18
    parts = [Markup('<svg class="week-shares" viewBox="0 0 {w} {h}" width="{w}" '
                    'height="{h}" role="img" aria-label="{t}" '
                    'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" '
                    'font-size="10"><title>{t}</title>'
                    '<line x1="0" y1="{half}" x2="{w}" y2="{half}" stroke="#c5ccd6" '
                    'stroke-dasharray="2 3"/>'
                    '<line x1="0" y1="{base}" x2="{w}" y2="{base}" stroke="#8a96a6"/>').format(
        w=width, h=height, t=title, half=WEEK_HEIGHT / 2 + 1, base=WEEK_HEIGHT + 1)]
    for index, (label, share, count, tip) in enumerate(weeks):
        x = 2 + index * WEEK_STEP + (WEEK_STEP - WEEK_BAR) / 2
        if share is not None:
            bar = max(share * WEEK_HEIGHT, 1.5)
            parts.append(Markup('<rect x="{x:.1f}" y="{y:.1f}" width="{bw}" height="{bh:.1f}" '
                                'fill="{c}"><title>{label}: {tip}</title></rect>').format(
                x=x, y=WEEK_HEIGHT + 1 - bar, bw=WEEK_BAR, bh=bar, c=colour, label=label,
                tip=tip))
        elif count:
            parts.append(Markup('<rect x="{x:.1f}" y="1" width="{bw}" height="{bh}" '
                                'fill="none" stroke="#8a96a6" stroke-dasharray="3 2">'
                                '<title>{label}: {tip}</title></rect>').format(
                x=x, bw=WEEK_BAR, bh=WEEK_HEIGHT, label=label, tip=tip))
        else:
            parts.append(Markup('<rect x="{x:.1f}" y="{y}" width="{bw}" height="2" '
                                'fill="#c5ccd6"><title>{label}: {tip}</title></rect>').format(
                x=x, y=WEEK_HEIGHT - 1, bw=WEEK_BAR, label=label, tip=tip))
        parts.append(Markup('<text x="{x:.1f}" y="{y}" text-anchor="middle" '
                            'fill="#505c6b">{n}</text>').format(
            x=x + WEEK_BAR / 2, y=WEEK_HEIGHT + 14, n=count))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
