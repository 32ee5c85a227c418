"""Model rules: stars, 36-month validity, current stars, dates and prices."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from ocopsite.models import PartialDate, ProductMeta, Recognition, parse_vnd


def recognition(stars: int, date: str) -> Recognition:
    meta = ProductMeta.model_validate({"name": "x", "recognitions": [{"stars": str(stars), "date": date}]})
    return Recognition(**dict(meta.recognitions[0]))


@pytest.mark.parametrize("stars", ["1", "2", "6", "0", "ba", "4.5"])
def test_only_3_to_5_stars_are_accepted(stars: str) -> None:
    with pytest.raises(ValidationError) as exc:
        ProductMeta.model_validate({"name": "x", "recognitions": [{"stars": stars, "date": "2024"}]})
    assert exc.value.errors()[0]["msg"] == f"must be 3, 4 or 5 (got '{stars}')"


def test_validity_is_36_months_from_the_decision_date() -> None:
    r = recognition(4, "15/10/2024")
    assert r.valid_until == dt.date(2027, 10, 15)
    assert r.last_valid_day == dt.date(2027, 10, 14)
    assert r.is_valid(dt.date(2027, 10, 14))
    assert not r.is_valid(dt.date(2027, 10, 15))
    assert not r.is_valid(dt.date(2024, 10, 14)), "not valid before its decision"
    leap = recognition(3, "29/02/2024")
    assert leap.valid_until == dt.date(2027, 2, 28)


def test_a_bare_year_counts_from_1_january_so_expiry_is_never_late() -> None:
    r = recognition(3, "2023")
    assert r.date == PartialDate(dt.date(2023, 1, 1), "year")
    assert r.valid_until == dt.date(2026, 1, 1)
    assert not r.is_valid(dt.date(2026, 1, 1))


def test_current_stars_come_from_the_latest_valid_recognition(write_site) -> None:
    from ocopsite.pipeline import load_site

    root = write_site({
        "content/products/a/index.md": """\
            ---
            name: A
            commune: cam-binh
            recognitions:
              - {stars: 3, date: 2019-05-01, kind: first}
              - {stars: 5, date: 2021-01-10, kind: upgrade}
              - {stars: 4, date: 2024-03-01, kind: renewal}
            ---
            """,
        "content/products/b/index.md": """\
            ---
            name: B
            commune: cam-binh
            recognitions:
              - {stars: 5, date: 2020-01-01}
            ---
            """,
    })
    site, _ = load_site(root, dt.date(2026, 11, 30))
    a, b = site.products
    assert (a.stars, a.status, [r.stars for r in a.recognitions]) == (4, "valid", [4, 5, 3])
    assert (b.stars, b.status, b.latest.stars) == (None, "expired", 5)
    site, _ = load_site(root, dt.date(2023, 6, 1))
    assert site.products[0].stars == 5  # the 2021 upgrade was still in force


@pytest.mark.parametrize(("text", "expected"), [("15/10/2024", dt.date(2024, 10, 15)), ("2024-10-15", dt.date(2024, 10, 15)), ("5/1/2023", dt.date(2023, 1, 5))])
def test_dates_are_iso_or_vietnamese_day_first(text: str, expected: dt.date) -> None:
    assert recognition(3, text).date.value == expected


@pytest.mark.parametrize(("text", "amount"), [("150000", 150000), ("150.000", 150000), ("1.250.000", 1250000), ("150,000", 150000), ("150.000 đ", 150000)])
def test_vietnamese_thousands_dots_are_read_as_thousands(text: str, amount: int) -> None:
    assert parse_vnd(text) == amount


@pytest.mark.parametrize("text", ["120.5", "12.00", "abc", "1.2.3"])
def test_ambiguous_amounts_are_errors(text: str) -> None:
    with pytest.raises(Exception, match="is not an amount in đồng"):
        parse_vnd(text)
