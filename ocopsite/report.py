"""The expiry report (``python build.py report``): which products' stars have lapsed and
which lapse within the next months, by commune and producer — what the programme office
plans re-evaluations from. Read from the records.

A product counts once, by its latest dated recognition: ``expired`` when that one is no
longer in force on the build date (and no later one replaced it), ``expiring`` when it is in
force and its last day falls within the window. A recognition is in force for 36 months to
the day (decided 15/10/2024: last day 14/10/2027); a date known only to its year counts from
1 January, the earliest it can mean, so the report never shows a star as valid longer than
it may be (the row says ``year only``). Products whose recognition date is unknown are
listed apart (``unknown``): nobody can say when they lapse.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import gettext

from dateutil.relativedelta import relativedelta

from .errors import Msg, msg, msgn, number
from .records import Records
from .vietnamese import sort_key


@dataclass(frozen=True)
class ReportRow:
    """One product in the report: where and whose it is, its latest recognition and its
    last day in force (``valid_until``, ISO), and ``days`` from the build date to that day
    (negative once lapsed)."""

    state: str
    commune: str
    producer: str
    product: str
    stars: int
    decision: str
    recognised: str
    valid_until: str
    days: int | None
    year_only: bool


def expiry_rows(records: Records, months: int = 6) -> list[ReportRow]:
    """Return the expired, expiring (within ``months`` of the build date) and undated
    products, sorted by state, then commune and producer in Vietnamese order, then day."""
    today = records.today
    horizon = today + relativedelta(months=months)
    by_product: dict[str, list] = {}
    for r in records.recognitions:
        by_product.setdefault(r.product, []).append(r)
    products = {p.id: p for p in records.products}
    rows = []
    for slug, recognitions in by_product.items():
        p = products[slug]
        dated = [r for r in recognitions if r.valid_until is not None]
        if not dated:
            last = max(recognitions, key=lambda r: r.stars)
            state, until, days = "unknown", "", None
        else:
            last = max(dated, key=lambda r: (r.date or f"{r.year}-01-01", r.stars))
            if last.state == "upcoming":
                continue
            end = dt.date.fromisoformat(last.valid_until)
            days = (end - today).days
            if end < today:
                state = "expired"
            elif end <= horizon:
                state = "expiring"
            else:
                continue
            until = last.valid_until
        rows.append(ReportRow(state, p.commune or "", p.producer_name or "", p.name, last.stars, last.decision or "",
                              last.date or (str(last.year) if last.year else ""), until, days, last.date_precision == "year"))
    order = {"expired": 0, "expiring": 1, "unknown": 2}
    return sorted(rows, key=lambda r: (order[r.state], sort_key(r.commune), sort_key(r.producer), r.valid_until, sort_key(r.product)))


def as_csv(rows: list[ReportRow]) -> str:
    """Return the rows as CSV text: a byte order mark (so Excel reads the Vietnamese
    letters), a header row of the ``ReportRow`` field names, then one row per product, with
    CRLF line ends (RFC 4180). ``state`` is ``expired``, ``expiring`` or ``unknown``."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["state", "commune", "producer", "product", "stars", "decision", "recognised", "valid_until", "days", "year_only"])
    for r in rows:
        writer.writerow([r.state, r.commune, r.producer, r.product, r.stars, r.decision, r.recognised, r.valid_until,
                         "" if r.days is None else r.days, "yes" if r.year_only else ""])
    return buffer.getvalue()


def as_text(rows: list[ReportRow], today: dt.date, months: int, tr: gettext.NullTranslations, locale: str) -> str:
    """Return the report for reading: a part per state, products grouped by commune, then
    producer, with dates as ``14/10/2027``."""
    from babel.dates import format_date

    def day(iso: str) -> str:
        return format_date(dt.date.fromisoformat(iso), "dd/MM/yyyy", locale=locale) if len(iso) == 10 else iso

    by = day((today + relativedelta(months=months)).isoformat())
    out = [msg("OCOP recognitions expired, and expiring within {months} months (by {by}), as of {date}", months=months, by=by,
               date=day(today.isoformat())).localized(tr)]
    for state in ("expired", "expiring", "unknown"):
        part = [r for r in rows if r.state == state]
        out += ["", _heading(state, len(part), by).localized(tr)]
        if not part:
            out.append("  " + msg("none").localized(tr))
        commune = producer = None
        for r in part:
            if r.commune != commune:
                commune, producer = r.commune, None
                out.append("  " + (r.commune or msg("(commune not known)").localized(tr)))
            if r.producer != producer:
                producer = r.producer
                out.append("    " + (r.producer or msg("(producer not known)").localized(tr)))
            out.append("      " + _line(r, day).localized(tr))
    return "\n".join(out) + "\n"


def _heading(state: str, n: int, by: str) -> Msg:
    if state == "expired":
        return msgn("Expired: {n} product", "Expired: {n} products", n)
    if state == "expiring":
        return msgn("Expiring by {date}: {n} product", "Expiring by {date}: {n} products", n, date=by)
    return msgn("Recognition date not known: {n} product", "Recognition date not known: {n} products", n)


def _line(r: ReportRow, day: Any) -> Msg:
    if r.year_only:
        when = msg("in {year} (day not known)", year=r.recognised)
    else:
        when = msg("on {date}", date=day(r.recognised)) if r.recognised else msg("date not known")
    decision = r.decision or msg("not known")
    if r.state == "expired":
        return msg("{product}: {stars}★, recognised {when}, decision: {decision}; last day in force {until}, {days} days ago", product=r.product,
                   stars=r.stars, when=when, decision=decision, until=day(r.valid_until), days=number(-(r.days or 0)))
    if r.state == "expiring":
        return msg("{product}: {stars}★, recognised {when}, decision: {decision}; in force until {until}, {days} days left",
                   product=r.product, stars=r.stars, when=when, decision=decision, until=day(r.valid_until), days=number(r.days or 0))
    return msg("{product}: {stars}★, decision: {decision}; no date, so nobody can say when it lapses", product=r.product, stars=r.stars,
               decision=decision)
