"""Communes: the current units and the pre-2025 → current mapping.

Current units come from the ``vietnam-provinces`` package (2025 data: Hà Tĩnh has 69,
60 xã and 9 phường). Old units and where each went come from
``ocopsite/data/hatinh_commune_mapping.csv`` (Resolution 1665/NQ-UBTVQH15 of 16/06/2025;
see its ``source`` column). Old and new names and codes overlap, so the two are only ever
joined through that mapping file, never by name or code.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

import vietnam_provinces as vp

from .errors import Msg, msg
from .vietnamese import fold, nfc, slugify, sort_key

_PREFIXES = ("thi tran ", "thi xa ", "thanh pho ", "tp ", "xa ", "phuong ", "huyen ", "tx ")


def bare(name: str) -> str:
    """Return the search key of a place name without its type: ``Xã Cẩm Bình`` → ``cam binh``."""
    key = fold(name)
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _strip_type(name: str) -> str:
    """Return a place name in lower case without its type word, tones kept."""
    text = " ".join(nfc(name).lower().split())
    for prefix in ("thị trấn ", "thị xã ", "thành phố ", "tp ", "xã ", "phường ", "huyện "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


@dataclass(frozen=True)
class FormerUnit:
    """A commune-level unit as it was on 30/06/2025, and the share it gave a new unit."""

    name: str
    district: str
    code: int
    partial: bool


@dataclass
class Commune:
    """One current commune-level unit (xã or phường) of the province.

    ``code`` is the national ward code; ``slug`` is the name without its type, in ASCII
    (``cam-binh``); ``former`` lists the old units it absorbed (whole or in part).
    """

    code: int
    name: str
    short_name: str
    type: str
    slug: str
    former: list[FormerUnit] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        """Return ``Xã`` or ``Phường``."""
        return "Phường" if self.type == "phuong" else "Xã"


class PlaceError(Exception):
    """A place that cannot be resolved; ``hint`` tells the editor what to write instead."""

    def __init__(self, message: Msg, hint: Msg | str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class Geography:
    """The province's current communes and the mapping from old addresses.

    Raises ``ValueError`` at construction if the mapping names a unit the package lacks.
    """

    def __init__(self, province_code: int) -> None:
        wards = list(vp.Ward.iter_by_province(vp.ProvinceCode(province_code)))
        self.province = vp.Province.from_code(vp.ProvinceCode(province_code))
        self.communes: list[Commune] = []
        self.by_code: dict[int, Commune] = {}
        self.by_slug: dict[str, Commune] = {}
        for ward in wards:
            kind = "phuong" if ward.division_type == vp.VietNamDivisionType.PHUONG else "xa"
            short = ward.name.split(" ", 1)[1] if ward.name.split(" ", 1)[0] in ("Xã", "Phường") else ward.name
            commune = Commune(int(ward.code), ward.name, short, kind, slugify(short))
            if commune.slug in self.by_slug:  # two units with one bare name: keep the type
                commune.slug = slugify(ward.name)
            self.communes.append(commune)
            self.by_code[commune.code] = commune
            self.by_slug[commune.slug] = commune
        self.communes.sort(key=lambda c: (sort_key(c.short_name), c.code))
        self._by_key: dict[str, list[Commune]] = {}
        for c in self.communes:
            for key in {bare(c.name), fold(c.name)}:
                self._by_key.setdefault(key, []).append(c)
        self._old: dict[str, list[tuple[FormerUnit, Commune]]] = {}
        for row in _mapping_rows():
            new = self.by_code.get(int(row["new_code"]))
            if new is None:
                raise ValueError(msg("mapping names unknown current unit {unit} [{code}]", unit=row["new_unit"], code=row["new_code"]))
            # An old unit that went to several new ones was split: each got only a part.
            split = len({r["new_code"] for r in _mapping_rows() if r["old_code"] == row["old_code"]}) > 1
            unit = FormerUnit(row["old_commune"], row["old_district"], int(row["old_code"]), split)
            new.former.append(unit)
            self._old.setdefault(bare(unit.name), []).append((unit, new))

    def commune(self, text: str) -> Commune:
        """Resolve a current commune from its slug or name (with or without Xã/Phường, tones).

        Raises ``PlaceError`` with the nearest valid names.
        """
        return self.commune_match(text)[0]

    def commune_match(self, text: str) -> tuple[Commune, Msg | None]:
        """Resolve a current commune like ``commune``; also return a note when the name was
        typed with tone marks that differ from the real name's (``Cẩm Bính`` for Cẩm Bình):
        tones tell places apart, so such a match must be checked. A name typed with no
        tone marks at all matches without a note."""
        if text in self.by_slug:
            return self.by_slug[text], None
        found = self._commune(text)
        return found, _tone_note(text, found.name)

    def _commune(self, text: str) -> Commune:
        found = self._by_key.get(fold(text)) or self._by_key.get(bare(text)) or []
        if len(found) == 1:
            return found[0]
        if len(found) > 1:  # bare names that differ only by tones (Đồng/Đông) or type
            exact = [c for c in found if c.short_name.lower() in text.lower()]
            if len(exact) == 1:
                return exact[0]
            raise PlaceError(msg("'{name}' matches several communes: {communes}", name=text, communes=", ".join(c.name for c in found)),
                             msg("write the full name with its tones"))
        raise PlaceError(msg("'{name}' is not one of the {count} current communes of {province}", name=text, count=len(self.communes),
                             province=self.province.name), self._suggest(text))

    def former(self, commune: str | None, district: str | None) -> list[Commune]:
        """Map a pre-2025 address to the current unit(s) it now lies in.

        Returns one commune normally, several when the old unit was split. Raises
        ``PlaceError`` for an unknown or ambiguous old name.
        """
        return [c for _u, c in self._former_rows(commune, district)]

    def former_match(self, commune: str | None, district: str | None) -> tuple[list[Commune], Msg | None]:
        """Map a pre-2025 address like ``former``; also return a note when the old name was
        typed with tone marks that differ from the matched unit's (see ``commune_match``)."""
        rows = self._former_rows(commune, district)
        return [c for _u, c in rows], _tone_note(commune or "", rows[0][0].name)

    def _former_rows(self, commune: str | None, district: str | None) -> list[tuple[FormerUnit, Commune]]:
        """Return the ``(old unit, current unit)`` rows an old address maps to (each current unit once)."""
        if not commune:
            raise PlaceError(msg("has no commune, so the current commune is unknown"), msg("add 'commune:' with the current commune"))
        rows = self._old.get(bare(commune), [])
        if not rows:
            close = difflib.get_close_matches(bare(commune), list(self._old), n=1, cutoff=0.75)
            hint = (msg("did you mean '{value}'?", value=next(u.name for u, _ in self._old[close[0]])) if close
                    else msg("check the spelling, or give the current commune with 'commune:'"))
            raise PlaceError(msg("'{name}' is not a commune of {province} before the 2025 reform", name=commune, province=self.province.name), hint)
        units = {u.code for u, _ in rows}
        if len(units) > 1:  # names equal without tones (Thạch Hạ / Thạch Hà): prefer the exact spelling
            exact = [(u, c) for u, c in rows if _strip_type(u.name) == _strip_type(commune)]
            if exact:
                rows, units = exact, {u.code for u, _ in exact}
        if len(units) > 1 and district:
            # Districts were themselves rearranged in 2025 (NQ 1283), so a district that
            # matches none of the rows is ignored rather than rejected.
            in_district = [(u, c) for u, c in rows if bare(u.district) == bare(district)]
            if in_district:
                rows = in_district
                units = {u.code for u, _ in rows}
        if len(units) > 1:
            names = ", ".join(sorted({f"{u.name} ({u.district})" for u, _ in rows}))
            raise PlaceError(msg("'{name}' names several old communes: {communes}", name=commune, communes=names),
                             msg("add the old district under 'former_address'"))
        unique = []
        for u, c in rows:
            if all(c is not other for _u, other in unique):
                unique.append((u, c))
        return unique

    def _suggest(self, text: str) -> Msg:
        if bare(text) in self._old:
            return msg("that is a commune from before 1 July 2025: write it under 'former_address:'")
        keys = {bare(c.name): c for c in self.communes}
        close = difflib.get_close_matches(bare(text), list(keys), n=1, cutoff=0.75)
        if close:
            return msg("did you mean '{value}'?", value=keys[close[0]].name)
        return msg("see the commune list on the site's commune index")


def _tone_note(typed: str, real: str) -> Msg | None:
    """Return a note when ``typed`` carries tone marks and differs from ``real`` in them."""
    if not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", typed)) and "đ" not in typed.lower():
        return None  # typed without any tone mark
    if _strip_type(typed) == _strip_type(real):
        return None
    return msg("'{typed}' was taken to be {name}: the tone marks differ", typed=typed, name=real)


@functools.cache
def _mapping_rows() -> tuple[dict[str, str], ...]:
    text = resources.files("ocopsite").joinpath("data/hatinh_commune_mapping.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


@functools.cache
def load_geography(province_code: int) -> Geography:
    """Return the (cached, read-only in practice) geography of one province."""
    return Geography(province_code)
