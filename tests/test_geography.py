"""Communes: the 69 current units and the old → new mapping (NQ 1665/NQ-UBTVQH15)."""

from __future__ import annotations

import pytest

from ocopsite.geography import PlaceError, load_geography


@pytest.fixture(scope="module")
def geo():
    return load_geography(42)


def test_the_69_current_units(geo) -> None:
    assert len(geo.communes) == 69
    assert sum(c.type == "phuong" for c in geo.communes) == 9
    assert len({c.slug for c in geo.communes}) == 69
    assert all(c.former for c in geo.communes), "every current unit absorbed at least one old unit"


@pytest.mark.parametrize("text", ["cam-binh", "Xã Cẩm Bình", "xã cẩm bình", "Cẩm Bình", "cam binh", "Xa Cam Binh"])
def test_current_commune_by_slug_or_name_with_or_without_prefix_and_tones(geo, text: str) -> None:
    assert geo.commune(text).name == "Xã Cẩm Bình"


def test_unknown_current_commune_suggests_the_nearest(geo) -> None:
    with pytest.raises(PlaceError) as exc:
        geo.commune("Xã Cẩm Bìn")
    assert exc.value.hint == "did you mean 'Xã Cẩm Bình'?"


def test_an_old_commune_name_as_current_points_to_former_address(geo) -> None:
    with pytest.raises(PlaceError) as exc:
        geo.commune("Xã Cẩm Vịnh")
    assert "former_address" in exc.value.hint


def test_old_address_maps_to_the_current_commune(geo) -> None:
    # tests/data/content/old_address.md: xã Cẩm Vịnh, huyện Cẩm Xuyên → Xã Cẩm Bình
    assert [c.name for c in geo.former("xã Cẩm Vịnh", "huyện Cẩm Xuyên")] == ["Xã Cẩm Bình"]
    assert [c.name for c in geo.former("Thạch Hạ", "TP Hà Tĩnh")] == ["Phường Trần Phú"]


@pytest.mark.parametrize(
    ("old", "district", "candidates"),
    [
        ("Xã Kỳ Lợi", "Thị xã Kỳ Anh", ["Phường Vũng Áng", "Phường Sông Trí", "Phường Hoành Sơn"]),
        ("phường Đại Nài", "TP Hà Tĩnh", ["Phường Thành Sen", "Phường Hà Huy Tập"]),
    ],
)
def test_a_split_old_commune_lists_its_candidates(geo, old: str, district: str, candidates: list[str]) -> None:
    assert [c.name for c in geo.former(old, district)] == candidates


def test_split_commune_in_a_product_is_an_error_listing_candidates(write_site) -> None:
    import datetime as dt

    from ocopsite.pipeline import load_site
    from ocopsite.errors import BuildError
    from .conftest import DATA

    root = write_site({"content/products/nuoc-mam-ky-loi/index.md": (DATA / "content/split_commune.md").read_text(encoding="utf-8")})
    with pytest.raises(BuildError) as exc:
        load_site(root, dt.date(2026, 11, 30))
    assert [str(e) for e in exc.value.errors] == [
        "content/products/nuoc-mam-ky-loi/index.md:5:3: former_address.commune: 'Xã Kỳ Lợi' was split in 2025 between "
        "Phường Vũng Áng (vung-ang), Phường Sông Trí (song-tri), Phường Hoành Sơn (hoanh-son) "
        "(add 'commune:' with the one where this entry is)"
    ]
    # choosing one of the candidates resolves it
    (root / "content/products/nuoc-mam-ky-loi/index.md").write_text(
        (DATA / "content/split_commune.md").read_text(encoding="utf-8").replace("group: food\n", "group: food\ncommune: song-tri\n"), encoding="utf-8"
    )
    site, _ = load_site(root, dt.date(2026, 11, 30))
    assert site.products[0].commune.name == "Phường Sông Trí"


def test_unknown_old_commune_is_an_error(geo) -> None:
    with pytest.raises(PlaceError) as exc:
        geo.former("xã Không Tồn Tại", "huyện Đức Thọ")
    assert exc.value.message == "'xã Không Tồn Tại' is not a commune of Hà Tĩnh before the 2025 reform"
