"""Records, statistics against targets, the expiry report and the open data, on a small site
whose answers are known (tests/conftest.py SMALL_SITE, built as of 2026-11-30)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from ocopsite.pipeline import build, load_site, site_records
from ocopsite.report import expiry_rows
from ocopsite.stats import count, statistics

from .conftest import CONFIG, SMALL_SITE, TODAY

TARGETS = CONFIG + """\
targets:
  - {year: 2021, metric: products_recognised, value: 1, title: Ít nhất 1 sản phẩm 3 sao, source: Kế hoạch thử}
  - {year: 2024, metric: products_recognised, min_stars: 4, value: 2, title: Hai sản phẩm 4 sao, source: Kế hoạch thử, source_url: "https://example.org/ke-hoach"}
  - {year: 2020, metric: model_cooperatives, value: 1, title: Một hợp tác xã điển hình, source: Kế hoạch thử}
data_licence: {name: CC BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}
"""


@pytest.fixture
def site(write_site):
    root = write_site(SMALL_SITE, TARGETS)
    shutil_photo(root)
    return root


def shutil_photo(root: Path) -> None:
    import shutil

    from .conftest import DATA

    shutil.copy(DATA / "images" / "hopper_orientation_6.jpg", root / "content/products/nuoc-mam-ky-phu/chai.jpg")


def records_of(root: Path, today: dt.date = TODAY):
    built, _ = load_site(root, today)
    return built, site_records(built)


def test_records_are_flat_rows_with_stable_ids_and_the_current_commune(site: Path) -> None:
    _built, records = records_of(site)
    products = {p.id: p for p in records.products}
    assert set(products) == {"nuoc-mam-ky-phu", "dau-lac-tuan-cuc", "keo-cu-do"}, "drafts are not records"
    ky_phu = products["nuoc-mam-ky-phu"]
    assert (ky_phu.stars, ky_phu.last_stars, ky_phu.status, ky_phu.valid_until) == (4, 4, "valid", "2027-10-14")
    assert (ky_phu.commune, ky_phu.former_commune, ky_phu.former_district) == ("Xã Kỳ Anh", "xã Kỳ Phú", "huyện Kỳ Anh")
    assert ky_phu.commune_code and ky_phu.producer == "htx-ky-phu" and ky_phu.price_vnd == 150000 and ky_phu.first_recognised == 2021
    assert products["dau-lac-tuan-cuc"].stars is None and products["dau-lac-tuan-cuc"].status == "expired"
    lapsed = products["dau-lac-tuan-cuc"]
    assert (lapsed.valid_until, lapsed.first_day, lapsed.first_day_precision) == ("2022-12-31", "2020-01-01", "year"), \
        "an expired product says when it lapsed; a year-only date is flagged"
    assert ky_phu.first_day_precision == "day"
    ids = [r.id for r in records.recognitions if r.product == "nuoc-mam-ky-phu"]
    assert ids == ["nuoc-mam-ky-phu/1", "nuoc-mam-ky-phu/2"], "numbered from the oldest"
    year_only = next(r for r in records.recognitions if r.product == "dau-lac-tuan-cuc")
    assert (year_only.date, year_only.year, year_only.date_precision, year_only.valid_until) == (None, 2020, "year", "2022-12-31")
    [producer] = records.producers
    assert producer.model_cooperative == 2020 and producer.current_products == 2 and len(producer.products) == 3


def test_statistics_count_what_the_content_says_and_compare_the_targets(site: Path) -> None:
    _built, records = records_of(site)
    from ocopsite.config import load_config

    stats = statistics(records, list(load_config(site).targets))
    assert stats.current == 2 and stats.by_stars == {3: 1, 4: 1, 5: 0}
    assert stats.by_group == [("food", 2)]
    assert [n for _code, _name, n in stats.by_commune] == [1, 1]
    assert dict(stats.per_year) == {2020: {"other": 1}, 2021: {"first": 1}, 2024: {"upgrade": 1}, 2025: {"other": 1}}
    assert stats.model_cooperatives == [(2020, 1)] and stats.startup_cooperatives == []
    states = [(t.year, t.actual, t.state) for t in stats.targets]
    assert states == [(2021, 1, "met"), (2024, 1, "not_met"), (2020, 1, "met")]
    assert count(records, "products_valid", 2022) == 2  # a bare 2020 counts from 1 January: last day 31/12/2022
    assert count(records, "products_valid", 2023) == 1  # 2021's 3 stars (to 29/02/2024) only
    assert count(records, "products_valid", 2024, min_stars=4) == 1
    assert count(records, "products_new", 2025) == 1


def test_a_target_without_any_data_is_not_called_missed(write_site) -> None:
    config = CONFIG + "targets:\n  - {year: 2020, metric: startup_cooperatives, value: 2, title: Hai HTX khởi nghiệp, source: Kế hoạch}\n"
    root = write_site(SMALL_SITE, config)
    shutil_photo(root)
    from ocopsite.config import load_config

    _built, records = records_of(root)
    [target] = statistics(records, list(load_config(root).targets)).targets
    assert target.state == "no_data" and target.actual == 0


@pytest.mark.parametrize(("today", "state"), [
    (dt.date(2027, 10, 14), "expiring"),   # the last day of 36 months from 15/10/2024
    (dt.date(2027, 10, 15), "expired"),    # the day after
])
def test_the_expiry_report_counts_36_months_to_the_day(site: Path, today: dt.date, state: str) -> None:
    _built, records = records_of(site, today)
    rows = {r.product: r for r in expiry_rows(records, months=6)}
    assert rows["Nước mắm Kỳ Phú"].state == state
    assert rows["Nước mắm Kỳ Phú"].valid_until == "2027-10-14" and rows["Nước mắm Kỳ Phú"].days == (dt.date(2027, 10, 14) - today).days


def test_the_expiry_report_lists_lapsed_and_soon_lapsing_by_commune_and_producer(site: Path) -> None:
    _built, records = records_of(site, dt.date(2027, 9, 1))
    rows = expiry_rows(records, months=3)
    assert [(r.state, r.product) for r in rows] == [("expired", "Dầu lạc Tuấn Cúc"), ("expiring", "Nước mắm Kỳ Phú")]
    assert rows[0].year_only and rows[0].valid_until == "2022-12-31" and rows[0].days < 0
    assert rows[1].producer == "HTX Thu mua và chế biến thủy hải sản Kỳ Phú" and rows[1].commune == "Xã Kỳ Anh"
    assert [r.product for r in expiry_rows(records, months=1)] == ["Dầu lạc Tuấn Cúc"], "the window counts"


def test_open_data_csv_opens_with_vietnamese_intact_and_json_matches_its_schema(site: Path) -> None:
    import jsonschema
    import openpyxl
    import tablib

    build(site, TODAY)
    folder = site / "output/du-lieu"
    raw = (folder / "products.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw, "UTF-8 with BOM, CRLF: Excel opens it in Vietnamese"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_id = {r["id"]: r for r in rows}
    assert by_id["nuoc-mam-ky-phu"]["name"] == "Nước mắm Kỳ Phú" and by_id["nuoc-mam-ky-phu"]["commune"] == "Xã Kỳ Anh"
    assert by_id["nuoc-mam-ky-phu"]["url"] == "https://example.org/san-pham/nuoc-mam-ky-phu/"
    # a spreadsheet library takes it in and writes a workbook whose cells keep the Vietnamese
    book = tablib.Dataset().load(raw.decode("utf-8-sig"), format="csv")
    sheet = openpyxl.load_workbook(io.BytesIO(book.export("xlsx"))).active
    names = [row[book.headers.index("name")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Kẹo cu đơ Hà Tĩnh" in names and "Nước mắm Kỳ Phú" in names
    for name in ("products", "producers", "crafts", "fairs"):
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        schema = json.loads((folder / f"{name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(data, schema)
        assert data["schema_version"] == 1 and data["licence"]["name"] == "CC BY 4.0"
    broken = json.loads((folder / "products.json").read_text(encoding="utf-8"))
    broken["products"][0]["stars"] = "bốn"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json.loads((folder / "products.schema.json").read_text(encoding="utf-8")))
    assert (site / "output/du-lieu/index.html").is_file() and "products.csv" in (site / "output/du-lieu/index.html").read_text(encoding="utf-8")
