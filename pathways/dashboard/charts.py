"""Geometry for the dashboard's small SVG charts: series in, rectangles and text positions out.

Pure: no Flask, no database. Labels arrive already translated and formatted. In a
right-to-left page the bars grow from the right, so every x coordinate is mirrored
here; text is placed, never flipped, and anchored at its ``start`` (which the
inherited text direction turns into its right edge).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

LABEL_SIZE = 11
GAP = 4
CHAR_WIDTH = 0.6  # a generous average glyph width, as a share of the font size


def _text_width(text: str, size: float = LABEL_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def _fit(text: str, room: float, size: float = LABEL_SIZE) -> str:
    """The text, cut with an ellipsis if it would run past ``room`` units."""
    most = int(room / (size * CHAR_WIDTH))
    return text if len(text) <= most else text[: max(most - 1, 1)].rstrip() + "…"


def _mirror(x: float, width: float, span: float, rtl: bool) -> float:
    """The x of a span that starts at ``x`` from the start edge, in page direction."""
    return round(width - x - span, 2) if rtl else round(x, 2)


def _point(x: float, width: float, rtl: bool) -> float:
    return round(width - x, 2) if rtl else round(x, 2)


def _scale(value: int, largest: int, length: float) -> float:
    return round(length * value / largest, 2) if largest > 0 else 0.0


@dataclass(frozen=True)
class Column:
    label: str  # empty when the labels are too wide to show them all
    sublabel: str
    value: int
    x: float
    y: float
    width: float
    height: float
    center_x: float
    value_y: float


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    baseline_y: float
    label_y: float
    sublabel_y: float
    columns: list[Column]


def column_chart(
    points: Sequence[tuple[str, str, int]], rtl: bool, width: int = 360, plot_height: int = 120
) -> ColumnChart:
    """Vertical bars, one per (label, sublabel, value), first at the start edge.

    When the labels are wider than a bar's slot, only every second (or third…)
    label is kept, so they never overlap.
    """
    top = LABEL_SIZE + GAP
    baseline = top + plot_height
    widest = max((_text_width(label) for label, _, _ in points), default=0)
    # Room at both edges so the first and last labels, centred under their bars, fit.
    margin = min(max(widest - width / max(len(points), 1), 0) / 2, width / 8)
    slot = (width - 2 * margin) / max(len(points), 1)
    bar_width = slot * 0.7
    largest = max((value for _, _, value in points), default=0)
    every = max(math.ceil((widest + GAP) / slot), 1)
    columns = []
    for i, (label, sublabel, value) in enumerate(points):
        height = _scale(value, largest, plot_height)
        x = _mirror(margin + i * slot + (slot - bar_width) / 2, width, bar_width, rtl)
        columns.append(
            Column(
                label=label if i % every == 0 else "",
                sublabel=sublabel,
                value=value,
                x=x,
                y=round(baseline - height, 2),
                width=round(bar_width, 2),
                height=height,
                center_x=round(x + bar_width / 2, 2),
                value_y=round(baseline - height - GAP, 2),
            )
        )
    label_y = baseline + LABEL_SIZE + GAP
    return ColumnChart(
        width=width,
        height=int(label_y + LABEL_SIZE + GAP + 2),
        baseline_y=baseline,
        label_y=label_y,
        sublabel_y=label_y + LABEL_SIZE + 1,
        columns=columns,
    )


@dataclass(frozen=True)
class Bar:
    value: int
    x: float
    y: float
    width: float
    height: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class PairedRow:
    label: str
    label_x: float
    label_y: float
    first: Bar
    second: Bar


@dataclass(frozen=True)
class PairedBarChart:
    width: int
    height: int
    rows: list[PairedRow]


def paired_bar_chart(
    rows: Sequence[tuple[str, int, int]], rtl: bool, width: int = 360
) -> PairedBarChart:
    """Two horizontal bars per row (say requested and offered), the label above them."""
    bar_height, value_room = 9, 32
    length = width - value_room
    largest = max((max(a, b) for _, a, b in rows), default=0)
    row_height = LABEL_SIZE + GAP + 2 * bar_height + 2 + 10
    placed = []
    for i, (label, first, second) in enumerate(rows):
        top = i * row_height
        bars_top = top + LABEL_SIZE + GAP
        placed.append(
            PairedRow(
                label=_fit(label, width),
                label_x=_point(0, width, rtl),
                label_y=top + LABEL_SIZE,
                first=_bar(first, largest, length, width, bars_top, bar_height, rtl),
                second=_bar(
                    second, largest, length, width, bars_top + bar_height + 2, bar_height, rtl
                ),
            )
        )
    return PairedBarChart(width=width, height=max(len(rows) * row_height, 1), rows=placed)


def _bar(
    value: int, largest: int, length: float, width: int, y: float, height: float, rtl: bool
) -> Bar:
    span = _scale(value, largest, length)
    return Bar(
        value=value,
        x=_mirror(0, width, span, rtl),
        y=y,
        width=span,
        height=height,
        value_x=_point(span + GAP, width, rtl),
        value_y=y + height - 1,
    )


@dataclass(frozen=True)
class LoadBar:
    width: int
    height: int
    track_width: float  # the outline drawn half a unit inside the edges
    track_height: float
    fill_x: float
    fill_width: float
    full: bool


def load_bar(used: int, capacity: int, rtl: bool, width: int = 100, height: int = 12) -> LoadBar:
    """A track as long as the capacity, filled as far as the places used."""
    span = _scale(min(used, capacity), capacity, width)
    return LoadBar(
        width=width,
        height=height,
        track_width=width - 1,
        track_height=height - 1,
        fill_x=_mirror(0, width, span, rtl),
        fill_width=span,
        full=capacity > 0 and used >= capacity,
    )
