"""Charts drawn on the server as SVG, readable without colour and without sight: every
bar carries its value in text, and the SVG has a title and a description that states
each value, for screen readers. Pages show the data table beside each chart too."""

from django.utils.safestring import SafeString, mark_safe

from .markup import ESCAPES

WIDTH = 640
BAR_HEIGHT = 26
GAP = 10
LABEL_WIDTH = 260
FILL = "#1d4e5a"


def escape(text) -> str:
    """django.utils.html.escape(text) in one call: always escaped, markup already safe
    too, as django's is. A chart escapes each label and value, several dozen a chart,
    and django's lazy-aware wrapper costs each of them several calls."""
    return str(text).translate(ESCAPES)


def bar_chart(
    *, chart_id: str, title: str, bars: list[tuple[str, float]], unit: str = ""
) -> SafeString:
    """A horizontal bar chart of (label, value) pairs."""
    top = max((value for _, value in bars), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 80) / top
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    described = "; ".join(f"{label}: {_number(value)}{unit}" for label, value in bars) or "No data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="council-chart" font-family="system-ui, Arial, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(described)}</desc>',
    ]
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = max(value * scale, 1 if value else 0)
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" text-anchor="end" font-size="14" '
            f'fill="#0b0c0c">{escape(_short(label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{FILL}"/>',
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 18}" font-size="14" '
            f'fill="#0b0c0c">{escape(_number(value))}{escape(unit)}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# Series in a grouped chart: told apart by their names in text beside each bar, and by
# fill and pattern for those who see them (colour is never the only signal).
SERIES_FILLS = ("#1d4e5a", "#b1b4b6", "#6f4a9e", "#00703c")
GROUP_LABEL_HEIGHT = 24


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    groups: list[tuple[str, list[tuple[str, float]]]],
    shown=str,
) -> SafeString:
    """Horizontal bars in groups, e.g. per financial year a bar for the budget and one
    for the spend against it: (group label, [(series name, value), ...]) per group.
    `shown` writes a value as text (e.g. common.figures.money). Each bar carries its
    series name and value in text; the description states every value."""
    values = [float(value) for _, bars in groups for _, value in bars]
    top = max(values, default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 120) / top
    height = GAP + sum(GROUP_LABEL_HEIGHT + len(bars) * (BAR_HEIGHT + GAP) for _, bars in groups)
    described = (
        " ".join(
            f"{group}: " + "; ".join(f"{name} {shown(value)}" for name, value in bars) + "."
            for group, bars in groups
        )
        or "No data"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="council-chart" font-family="system-ui, Arial, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(described)}</desc>',
    ]
    y = GAP
    for group, bars in groups:
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="15" font-weight="bold" '
            f'fill="#0b0c0c">{escape(_short(group, 60))}</text>'
        )
        y += GROUP_LABEL_HEIGHT
        for index, (name, value) in enumerate(bars):
            fill = SERIES_FILLS[index % len(SERIES_FILLS)]
            width = max(float(value) * scale, 1 if value else 0)
            parts += [
                f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" text-anchor="end" font-size="14" '
                f'fill="#0b0c0c">{escape(_short(name))}</text>',
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{fill}" stroke="#0b0c0c" stroke-width="1"/>',
                f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 18}" font-size="14" '
                f'fill="#0b0c0c">{escape(shown(value))}</text>',
            ]
            y += BAR_HEIGHT + GAP
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped
