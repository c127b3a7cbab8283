"""Bar geometry for the inline SVG charts of the report and the editor panel.

Positions are computed here so the templates only write SVG attributes (no style=,
no script): the charts work under a strict Content-Security-Policy.
"""

from datetime import date


def bar_chart(
    series: list[tuple[date, int]], *, width: int = 720, height: int = 160, gap: int = 2
) -> dict:
    """{"width", "height", "peak", "bars": [{"x", "y", "width", "height", "day", "views"}]}"""
    peak = max((views for _, views in series), default=0)
    count = max(len(series), 1)
    bar_width = max((width - gap * (count - 1)) / count, 1)
    bars = []
    for index, (day, views) in enumerate(series):
        # Every day with a view gets at least one unit, so it never looks like zero.
        bar_height = max(round(height * views / peak, 2), 1) if views else 0
        bars.append(
            {
                "x": round(index * (bar_width + gap), 2),
                "y": round(height - bar_height, 2),
                "width": round(bar_width, 2),
                "height": bar_height,
                "day": day,
                "views": views,
            }
        )
    return {"width": width, "height": height, "peak": peak, "bars": bars}
