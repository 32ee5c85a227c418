"""Statistics of the programme, computed from the records (never typed), and the plan's
targets (``targets`` in ``site_config.yaml``) against them; charts as static SVG.

Metrics a target may count, for its ``year``:

- ``products_recognised``: products given a recognition of at least ``min_stars`` that year
  (a first award, a renewal or an upgrade);
- ``products_new``: products whose first recognition is dated that year;
- ``products_valid``: products with a recognition of at least ``min_stars`` in force on 31
  December of that year (on the build date for the current year);
- ``model_cooperatives`` / ``startup_cooperatives``: producers named a model (điển hình) or
  start-up (khởi nghiệp) cooperative that year (``model_cooperative: 2020`` on a producer).

A target whose metric no entry gives data for (no producer records a model cooperative at
all) is ``no_data``: the site cannot tell whether it was met.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from .records import Records
from .vietnamese import sort_key

#: The metrics a target may count (see the module docstring).
METRICS = ("products_recognised", "products_new", "products_valid", "model_cooperatives", "startup_cooperatives")


@dataclass(frozen=True)
class TargetResult:
    """One target of the plan and the site's count for it: ``state`` is ``met``,
    ``not_met`` or ``no_data``."""

    year: int
    metric: str
    min_stars: int
    value: int
    actual: int
    state: str
    title: str
    source: str
    source_url: str | None


@dataclass(frozen=True)
class Statistics:
    """What the statistics page shows. Counts of current products ``by_stars`` ({3: n, 4: n,
    5: n}), ``by_group`` ([(group or None, n)], largest first) and ``by_commune`` ([(code,
    name, n)], largest first, then in Vietnamese order); ``per_year``: [(year, {kind: n})]
    of recognitions by their kind (``first``, ``renewal``, ``upgrade``, ``other``); model and
    start-up cooperatives per year; the targets."""

    current: int
    by_stars: dict[int, int]
    by_group: list[tuple[str | None, int]]
    by_commune: list[tuple[int, str, int]]
    per_year: list[tuple[int, dict[str, int]]]
    model_cooperatives: list[tuple[int, int]]
    startup_cooperatives: list[tuple[int, int]]
    targets: list[TargetResult]


def _valid_on(records: Records, day: dt.date, min_stars: int) -> int:
    products = set()
    for r in records.recognitions:
        if r.stars >= min_stars and r.year is not None and r.valid_until is not None:
            start = dt.date.fromisoformat(r.date) if r.date else dt.date(r.year, 1, 1)
            if start <= day <= dt.date.fromisoformat(r.valid_until):
                products.add(r.product)
    return len(products)


def count(records: Records, metric: str, year: int, min_stars: int = 3) -> int:
    """Return the count of ``metric`` for ``year`` (see the module docstring). Raises
    ``KeyError`` for an unknown metric."""
    if metric == "products_recognised":
        return len({r.product for r in records.recognitions if r.year == year and r.stars >= min_stars})
    if metric == "products_new":
        return sum(1 for p in records.products if p.first_recognised == year)
    if metric == "products_valid":
        return _valid_on(records, min(dt.date(year, 12, 31), records.today), min_stars)
    if metric == "model_cooperatives":
        return sum(1 for p in records.producers if p.model_cooperative == year)
    if metric == "startup_cooperatives":
        return sum(1 for p in records.producers if p.startup_cooperative == year)
    raise KeyError(metric)


def _has_data(records: Records, metric: str) -> bool:
    if metric == "model_cooperatives":
        return any(p.model_cooperative for p in records.producers)
    if metric == "startup_cooperatives":
        return any(p.startup_cooperative for p in records.producers)
    return bool(records.recognitions)


def statistics(records: Records, targets: list[Any]) -> Statistics:
    """Return the statistics of ``records``; ``targets`` are the config's ``Target``s."""
    current = [p for p in records.products if p.stars is not None]
    by_group = Counter(p.group for p in current)
    communes = Counter((p.commune_code, p.commune) for p in current if p.commune_code)
    years: dict[int, Counter] = {}
    for r in records.recognitions:
        if r.year is not None:
            years.setdefault(r.year, Counter())[r.kind if r.kind in ("first", "renewal", "upgrade") else "other"] += 1
    results = []
    for t in targets:
        actual = count(records, t.metric, t.year, t.min_stars)
        state = "no_data" if not _has_data(records, t.metric) else "met" if actual >= t.value else "not_met"
        results.append(TargetResult(t.year, t.metric, t.min_stars, t.value, actual, state, t.title, t.source, t.source_url))
    return Statistics(
        current=len(current),
        by_stars={n: sum(1 for p in current if p.stars == n) for n in (3, 4, 5)},
        by_group=sorted(by_group.items(), key=lambda kv: (-kv[1], kv[0] or "~")),
        by_commune=[(code, name, n) for (code, name), n in sorted(communes.items(), key=lambda kv: (-kv[1], sort_key(kv[0][1])))],
        per_year=[(y, dict(c)) for y, c in sorted(years.items())],
        model_cooperatives=sorted(Counter(p.model_cooperative for p in records.producers if p.model_cooperative).items()),
        startup_cooperatives=sorted(Counter(p.startup_cooperative for p in records.producers if p.startup_cooperative).items()),
        targets=results,
    )


def bar_chart(title: str, summary: str, bars: list[tuple[str, int]], width: int = 400) -> Markup:
    """Return a horizontal bar chart as inline SVG: one bar per ``(label, value)``, the value
    written at its end; ``title`` and ``summary`` (the text alternative: what the chart
    shows, in a sentence) are its accessible name and description. The page shows the same
    numbers in a table beside it. Scales with its container (``viewBox``)."""
    row, label_w, pad = 30, min(170, 14 + 8 * max((min(len(b[0]), 20) for b in bars), default=4)), 8
    height = row * len(bars) + pad * 2
    top = max((v for _l, v in bars), default=0) or 1
    area = width - label_w - 44
    ident = "c" + hashlib.blake2b(repr((title, bars)).encode(), digest_size=4).hexdigest()  # stable: builds are reproducible
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ident}-t {ident}-d" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(summary)}</desc>']
    for i, (label, value) in enumerate(bars):
        y = pad + i * row
        w = round(area * value / top, 1)
        short = label if len(label) <= 20 else label[:19] + "…"  # the table beside it has the whole label
        parts.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" class="chart-label">{escape(short)}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1)}" height="{row - 10}" rx="3" class="chart-bar"/>'
                     f'<text x="{label_w + w + 6}" y="{y + 18}" class="chart-value">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
