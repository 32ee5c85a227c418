"""Typed content: what editors may write (front matter models) and what the site derives.

Front matter models are pydantic models with ``extra="forbid"``: an unknown key is an
error with a did-you-mean, never silently dropped; free-form data goes under ``extra``.
Every YAML scalar reaches these models as the exact text typed (see ``reader``), so text
fields keep leading zeros, ``8:30`` and ``no``; numbers, dates and booleans are parsed
here with Vietnamese conventions.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import types
import typing
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from collections.abc import Callable
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from .errors import Msg, msg, number, pydantic_error
from .frontmatter import position_of
from .i18n import _

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
#: A recognition is valid for 36 months from its decision date (the OCOP criteria and
#: rating rules, Decision 1048/QĐ-TTg of 2019 and Decision 148/QĐ-TTg of 24/02/2023).
VALIDITY_MONTHS = 36


# --- product groups and producer types -------------------------------------------------


class ProductGroup(str, enum.Enum):
    """The six product groups of the current criteria (Decision 148/QĐ-TTg, 2023)."""

    food = "food"
    beverages = "beverages"
    herbal = "herbal"
    handicrafts = "handicrafts"
    ornamentals = "ornamentals"
    tourism = "tourism"

    @property
    def label(self) -> str:
        """Return the Vietnamese display name."""
        return GROUP_LABELS[self]

    @property
    def slug(self) -> str:
        """Return the URL segment of the group's pages."""
        return GROUP_SLUGS[self]


GROUP_LABELS = {
    ProductGroup.food: _("Thực phẩm"),
    ProductGroup.beverages: _("Đồ uống"),
    ProductGroup.herbal: _("Thảo dược"),
    ProductGroup.handicrafts: _("Thủ công mỹ nghệ"),
    ProductGroup.ornamentals: _("Sinh vật cảnh"),
    ProductGroup.tourism: _("Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"),
}
GROUP_SLUGS = {
    ProductGroup.food: "thuc-pham",
    ProductGroup.beverages: "do-uong",
    ProductGroup.herbal: "thao-duoc",
    ProductGroup.handicrafts: "thu-cong-my-nghe",
    ProductGroup.ornamentals: "sinh-vat-canh",
    ProductGroup.tourism: "du-lich",
}


class ProducerType(str, enum.Enum):
    """Legal forms of an OCOP producer (chủ thể OCOP)."""

    enterprise = "enterprise"
    cooperative = "cooperative"
    cooperative_group = "cooperative_group"
    household_business = "household_business"
    #: A household that produces (hộ sản xuất), not registered as a household business.
    household_producer = "household_producer"

    @property
    def label(self) -> str:
        """Return the Vietnamese display name."""
        return {
            "enterprise": _("Doanh nghiệp"),
            "cooperative": _("Hợp tác xã"),
            "cooperative_group": _("Tổ hợp tác"),
            "household_business": _("Hộ kinh doanh"),
            "household_producer": _("Hộ sản xuất"),
        }[self.value]


class CraftRecognition(str, enum.Enum):
    """Kinds of village-craft recognition under Decree 52/2018/NĐ-CP."""

    traditional_craft = "traditional_craft"
    traditional_craft_village = "traditional_craft_village"
    craft_village = "craft_village"

    @property
    def label(self) -> str:
        """Return the Vietnamese display name."""
        return {
            "traditional_craft": _("Nghề truyền thống"),
            "traditional_craft_village": _("Làng nghề truyền thống"),
            "craft_village": _("Làng nghề"),
        }[self.value]


class OutletType(str, enum.Enum):
    """Kinds of point of sale (điểm bán) of OCOP products."""

    #: A shop for OCOP products (điểm giới thiệu và bán sản phẩm OCOP), of the province or a district.
    ocop_shop = "ocop_shop"
    #: A producer's own shop or showroom.
    producer_shop = "producer_shop"
    market = "market"
    supermarket = "supermarket"
    other = "other"

    @property
    def label(self) -> str:
        """Return the Vietnamese display name."""
        return {
            "ocop_shop": _("Điểm giới thiệu và bán sản phẩm OCOP"),
            "producer_shop": _("Cửa hàng của chủ thể"),
            "market": _("Chợ"),
            "supermarket": _("Siêu thị"),
            "other": _("Điểm bán khác"),
        }[self.value]


#: Days of the week as editors write them in opening hours (ISO order, Monday first).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

RECOGNITION_KINDS = {"first": _("Lần đầu"), "renewal": _("Đánh giá lại"), "upgrade": _("Nâng hạng")}


def from_label(values: dict[str, str], extra: dict[str, str] | None = None) -> Callable[[Any], Any]:
    """Return a validator that also accepts a value's Vietnamese label, with or without
    tones (``thực phẩm``, ``thuc pham`` → ``food``); anything else is left for the field's
    own check, which lists the allowed values.

    The validator's ``tone_note(typed)`` returns ``(value, label)`` when ``typed`` was
    matched with tone marks that differ from every spelling of that value (``thưc phẩm``):
    tones tell words apart, so such a match must be checked, as a commune's name is.
    """
    from .vietnamese import fold

    table = {fold(label): value for value, label in values.items()}
    table |= {fold(value.replace("_", " ")): value for value in values}
    table |= {fold(k): v for k, v in (extra or {}).items()}
    spellings = {value: {_spelling(label), _spelling(value), _spelling(value.replace("_", " "))} for value, label in values.items()}
    for k, v in (extra or {}).items():
        spellings[v].add(_spelling(k))

    def check(value: Any) -> Any:
        if isinstance(value, str) and value not in values:
            return table.get(fold(value), value)
        return value

    def tone_note(typed: str) -> tuple[str, str] | None:
        chosen = table.get(fold(typed)) if typed not in values else None
        if chosen is None or not _has_tones(typed) or _spelling(typed) in spellings[chosen]:
            return None
        return chosen, values[chosen]

    check.tone_note = tone_note  # type: ignore[attr-defined]
    return check


def _spelling(text: str) -> str:
    """Return ``text`` as compared for tone marks: NFC, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _has_tones(text: str) -> bool:
    return "đ" in text.lower() or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text))


def label_notes(model: type[BaseModel], data: Any, path: tuple = ()) -> list[tuple[tuple, Msg, Msg]]:
    """Return ``(field path, message, hint)`` for each choice in ``data`` (the front matter
    as typed) that was read from its Vietnamese label typed with other tone marks."""
    out: list[tuple[tuple, Msg, Msg]] = []
    if not isinstance(data, dict):
        return out
    for name, check, sub in _labelled_fields(model):
        value = data.get(name)
        if value is None:
            continue
        if check is not None and isinstance(value, str) and (found := check.tone_note(value)):
            chosen, label = found
            out.append(((*path, name), msg("'{typed}' was taken to be {label} ({value}): the tone marks differ", typed=value, label=label, value=chosen),
                        msg("write it as '{label}' or '{value}' if that is what you mean", label=label.lower(), value=chosen)))
        if sub is not None:
            items = enumerate(value) if isinstance(value, list) else [(None, value)]
            for i, item in items:
                out += label_notes(sub, item, (*path, name) if i is None else (*path, name, i))
    return out


@functools.cache
def _labelled_fields(model: type[BaseModel]) -> tuple[tuple[str, Any, type[BaseModel] | None], ...]:
    """Return ``(name, from_label validator or None, sub-model or None)`` of the fields of
    ``model`` that are, or hold, a choice read from labels (worked out once per model: it is
    asked for every entry read)."""
    out = []
    for name, info in model.model_fields.items():
        check = _label_check(info.annotation, info.metadata)
        sub = _sub_model(info.annotation)
        if sub is not None and not _labelled_fields(sub):
            sub = None
        if check is not None or sub is not None:
            out.append((name, check, sub))
    return tuple(out)


def _label_check(annotation: Any, metadata: list) -> Any:
    """Return the ``from_label`` validator of a field, or None."""
    for m in metadata:
        if isinstance(m, BeforeValidator) and hasattr(m.func, "tone_note"):
            return m.func
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *meta = typing.get_args(annotation)
        return _label_check(base, meta)
    if origin in (typing.Union, types.UnionType):
        return next((c for a in typing.get_args(annotation) if (c := _label_check(a, [])) is not None), None)
    return None


def _sub_model(annotation: Any) -> type[BaseModel] | None:
    """Return the front matter model inside ``X | None``, ``list[X]`` or ``Annotated[X, …]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (Annotated, typing.Union, types.UnionType, list):
        return next((m for a in typing.get_args(annotation) if (m := _sub_model(a)) is not None), None)
    return None


# --- scalar parsers ----------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:h](\d{2})$")
#: A month and year without the day: ``10/2024``, ``10-2024``, ``2024-10``.
_MONTH = re.compile(r"^(?:\d{1,2}[/.-](?P<y1>\d{4})|(?P<y2>\d{4})[/.-]\d{1,2})$")


def parse_date(value: Any) -> dt.date:
    """Parse ``2024-10-15`` or the Vietnamese day-first ``15/10/2024`` into a date.

    Raises a pydantic error (``errors.pydantic_error``) for other shapes and for impossible
    dates (30/02).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if m := _ISO_DATE.match(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _VN_DATE.match(text):
        d, mo, y = (int(g) for g in m.groups())
    elif _MONTH.match(text):
        raise pydantic_error("date_month", msg("gives only the month (got '{value}'); write the day too, such as 15/10/2024", value=text))
    else:
        raise pydantic_error("date_format", msg("is not a date (got '{value}'); write 2024-10-15 or 15/10/2024", value=text))
    if not 1900 <= y <= 2100:
        raise pydantic_error("date_year", msg("has an unlikely year {year} (got '{value}'); check the year", year=y, value=text))
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise pydantic_error("date_impossible", msg("{value} is not a real date", value=text)) from None


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, only to the year, or not at all (``precision`` ``"day"``,
    ``"year"`` or ``"unknown"``).

    ``value`` is the earliest day the text can mean (1 January for a bare year; 1 January
    1900 when unknown), so a validity counted from it never runs past the real one.
    """

    value: dt.date
    precision: Literal["day", "year", "unknown"] = "day"

    @property
    def year(self) -> int:
        """Return the year."""
        return self.value.year


#: What an editor may write when the date of a recognition is not known.
UNKNOWN_DATES = ("unknown", "chưa rõ", "không rõ", "chua ro", "khong ro")
UNKNOWN_DAY = dt.date(1900, 1, 1)


def parse_partial_date(value: Any) -> PartialDate:
    """Parse a full date (see ``parse_date``), a bare year ``2023``, or ``unknown``
    (also ``chưa rõ``) when the date is not known."""
    if isinstance(value, PartialDate):
        return value
    text = str(value).strip()
    if text.lower() in UNKNOWN_DATES:
        return PartialDate(UNKNOWN_DAY, "unknown")
    if m := _YEAR.match(text):
        year = int(m.group(1))
        if not 1900 <= year <= 2100:
            raise pydantic_error("date_year", msg("has an unlikely year {year} (got '{value}'); check the year", year=year, value=text))
        return PartialDate(dt.date(year, 1, 1), "year")
    if m := _MONTH.match(text):  # the year alone is the honest date when the day is not known
        year_text = m.group("y1") or m.group("y2")
        raise pydantic_error("date_month", msg(
            "gives only the month (got '{value}'); write the full date such as 15/10/2024, or only the year: {year}", value=text, year=year_text))
    return PartialDate(parse_date(text), "day")


def parse_event_time(value: Any) -> dt.date | dt.datetime:
    """Parse a fair's start/end: a date, or a date and ``HH:MM`` in Asia/Ho_Chi_Minh."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    text = str(value).strip()
    day, _sep, clock = text.partition(" ")
    date = parse_date(day)
    if not clock:
        return date
    m = _TIME.match(clock.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise pydantic_error("time_format", msg("has an unreadable time '{value}'; write 08:30", value=clock))
    return dt.datetime(date.year, date.month, date.day, int(m.group(1)), int(m.group(2)), tzinfo=TIMEZONE)


_THOUSANDS = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


def parse_vnd(value: Any) -> int:
    """Parse an amount in đồng: ``150000``, ``150.000`` or ``150,000`` → 150000.

    Vietnamese writes a dot for thousands, so ``120.000`` is 120000, never 120.0. A
    fractional amount is an error (the đồng has no subunit in use).
    """
    if isinstance(value, int):
        return value
    text = str(value).strip().removesuffix("đ").removesuffix("₫").strip()
    if text.isdigit():
        return int(text)
    if _THOUSANDS.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    raise pydantic_error("vnd", msg("is not an amount in đồng (got '{value}'); write 150000 or 150.000", value=str(value)))


def parse_stars(value: Any) -> int:
    """Parse an OCOP star rating: only 3, 4 or 5 stars are OCOP-certified."""
    text = str(value).strip()
    if text not in {"3", "4", "5"}:
        raise pydantic_error("stars", msg("must be 3, 4 or 5 (got '{value}')", value=text))
    return int(text)


def parse_year(value: Any) -> int:
    """Parse a four-digit year."""
    text = str(value).strip()
    if not _YEAR.match(text):
        raise pydantic_error("year", msg("must be a year such as 2021 (got '{value}')", value=text))
    return int(text)


def text_matching(pattern: str, code: str, message: Callable[[str], Msg]) -> Callable[[Any], str | None]:
    """Return a validator that keeps text as typed when it matches ``pattern``, and
    otherwise raises a pydantic error of type ``code`` saying ``message(text)``."""
    regex = re.compile(pattern, re.I)

    def check(value: Any) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if not regex.match(text):
            raise pydantic_error(code, message(text))
        return text

    return check


#: Only ``http(s)://`` addresses: a link must never run script (``javascript:``).
check_url = text_matching(r"^https?://[^\s<>\"']+$", "url",
                          lambda value: msg("must be a web address starting with https:// or http:// (got '{value}')", value=value))
#: A phone number as typed: digits, spaces, dots, dashes, brackets, a leading +.
check_phone = text_matching(r"^\+?[0-9][0-9 .()-]{5,19}$", "phone",
                            lambda value: msg("is not a phone number (got '{value}'); write it like 0912 345 678", value=value))
#: An e-mail address ``name@domain.tld``.
check_email = text_matching(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$", "email",
                            lambda value: msg("is not an e-mail address (got '{value}')", value=value))


def as_list(value: Any) -> Any:
    """Accept a single text where a list is expected (``standards: VietGAP``)."""
    if isinstance(value, str):
        return [value]
    return [] if value is None else value


Stars = Annotated[int, BeforeValidator(parse_stars)]
Group = Annotated[ProductGroup, BeforeValidator(from_label({g.value: g.label for g in ProductGroup},
                                                            {"du lịch": "tourism", "dịch vụ du lịch": "tourism"}))]
ProducerKind = Annotated[ProducerType, BeforeValidator(from_label({t.value: t.label for t in ProducerType},
                                                                  {"htx": "cooperative", "công ty": "enterprise", "cơ sở sản xuất": "household_business"}))]
OutletKind = Annotated[OutletType, BeforeValidator(from_label({t.value: t.label for t in OutletType},
                                                              {"cửa hàng ocop": "ocop_shop", "điểm bán ocop": "ocop_shop"}))]
CraftKind = Annotated[CraftRecognition, BeforeValidator(from_label({c.value: c.label for c in CraftRecognition}))]
RecognitionKind = Annotated[Literal["first", "renewal", "upgrade"], BeforeValidator(from_label(RECOGNITION_KINDS))]
Year = Annotated[int, BeforeValidator(parse_year)]
Vnd = Annotated[int, BeforeValidator(parse_vnd)]
DateField = Annotated[dt.date, BeforeValidator(parse_date)]
EventTime = Annotated[dt.datetime | dt.date, BeforeValidator(parse_event_time)]
TextList = Annotated[list[str], BeforeValidator(as_list)]
Url = Annotated[str, BeforeValidator(check_url)]
UrlList = Annotated[list[Url], BeforeValidator(as_list)]
Phone = Annotated[str, BeforeValidator(check_phone)]
Email = Annotated[str, BeforeValidator(check_email)]
Text = Annotated[str, Field(min_length=1)]

#: Longest name or title accepted (the longest real one is about 120): a name is shown in
#: every list, in page titles and on share cards.
MAX_NAME_LENGTH = 200


def check_name_length(value: str) -> str:
    """Refuse a name longer than ``MAX_NAME_LENGTH`` characters, saying its length."""
    if len(value) > MAX_NAME_LENGTH:
        raise pydantic_error("name_too_long", msg("is {length} characters long, over the limit of {limit}",
                                                  length=number(len(value)), limit=number(MAX_NAME_LENGTH)))
    return value


def check_price(value: int) -> int:
    """Refuse a price of 0 đồng: an unknown price is left out, never shown as free."""
    if value <= 0:
        raise pydantic_error("price_zero", msg("must be more than 0 đồng (got {value})", value=value))
    return value


#: Hà Tĩnh's extent in degrees (WGS 84), a little wider than the province's published
#: extremes, 17°53′50″–18°45′40″ N and 105°05′50″–106°30′20″ E (provincial overview, quoted
#: at https://123docz.net/trich-doan/1200693-tong-quan-ve-tinh-ha-tinh.htm), so a point on
#: the border or the coast is not refused.
PROVINCE_BOUNDS = {"lat": (17.88, 18.78), "lon": (105.08, 106.52)}
#: Lengths of a GTIN (GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13), GTIN-14).
GTIN_LENGTHS = (8, 12, 13, 14)


def gs1_check_digit(digits: str) -> int:
    """Return the GS1 check digit of ``digits`` (a GTIN without its last digit): weights 3
    and 1 alternate from the right, and the digit brings the sum to a multiple of 10 (GS1
    General Specifications, §7.9.1)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def check_gtin(value: Any) -> str:
    """Accept a GTIN as text of 8, 12, 13 or 14 digits (spaces and hyphens as printed under
    a barcode are removed) whose last digit is its GS1 check digit; return the digits."""
    text = re.sub(r"[\s-]", "", str(value))
    if not text.isascii() or not text.isdigit() or len(text) not in GTIN_LENGTHS:
        raise pydantic_error("gtin_form", msg("must be the 8, 12, 13 or 14 digits printed under the barcode (got '{value}')", value=value))
    if not text.strip("0"):
        raise pydantic_error("gtin_form", msg("is only zeros, which is not a GTIN (got '{value}')", value=value))
    if int(text[-1]) != gs1_check_digit(text[:-1]):
        raise pydantic_error("gtin_check", msg("has a wrong check digit: the last digit of {value} should be {digit}",
                                               value=text, digit=gs1_check_digit(text[:-1])))
    return text


def not_left_empty(value: Any, choices: type[enum.Enum]) -> Any:
    """Refuse a choice field written but left empty (as the ``new`` skeleton leaves it: the
    entry is unfinished), listing the ``choices``; return any other value."""
    if value is None:
        raise pydantic_error("empty", msg("is empty; write one of {choices}", choices=", ".join(c.value for c in choices)))
    return value


#: A name or title: not empty, at most ``MAX_NAME_LENGTH`` characters.
Name = Annotated[str, Field(min_length=1), AfterValidator(check_name_length)]


# --- front matter models ------------------------------------------------------------------


class FrontMatter(BaseModel):
    """Base of every front matter model: unknown keys are errors; text is stripped."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, arbitrary_types_allowed=True, frozen=True
    )


class ImageRef(FrontMatter):
    """One photo beside the entry: ``src`` (file name in the entry folder) and ``alt``."""

    src: Text
    alt: Text


class Contact(FrontMatter):
    """Ways to reach a producer; phone numbers stay text exactly as typed."""

    phone: Phone | None = None
    zalo: Phone | None = None
    email: Email | None = None
    website: Url | None = None
    facebook: Url | None = None


class Place(FrontMatter):
    """A place to buy a product: its ``name``, and its address, web page and phone when known."""

    name: Name
    address: str | None = None
    url: Url | None = None
    phone: Phone | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_a_bare_text(cls, value: Any) -> Any:
        if isinstance(value, str):  # `[Cửa hàng OCOP, 02 Nguyễn Du]` would be two "places"
            raise pydantic_error(
                "place_text", msg("must be a place written as its own 'name:' and 'address:' lines, not one text (got '{value}')", value=value))
        return value


#: Online shop platforms a product may be sold on: ``{platform: (display name, hosts)}``.
#: A link must be ``https://`` on one of the hosts (or a sub-domain of one); ``website``
#: is the producer's own site, any ``http(s)://`` address.
SHOP_PLATFORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "shopee": ("Shopee", ("shopee.vn", "shp.ee")),
    "postmart": ("Postmart", ("postmart.vn",)),
    "voso": ("Voso", ("voso.vn",)),
    "tiktok": ("TikTok Shop", ("tiktok.com", "vt.tiktok.com")),
    "website": (_("Trang web riêng"), ()),
}


class OnlineShop(FrontMatter):
    """An online shop selling a product: its ``platform`` (a key of ``SHOP_PLATFORMS``) and
    ``url``. Raises a validation error when the address is not one of that platform's."""

    platform: Annotated[Literal[tuple(SHOP_PLATFORMS)], BeforeValidator(from_label(
        {key: label for key, (label, _hosts) in SHOP_PLATFORMS.items()}, {"web": "website", "trang web": "website"}))]
    url: Url

    @field_validator("url")
    @classmethod
    def _url_of_platform(cls, url: str, info: ValidationInfo) -> str:
        platform = info.data.get("platform")
        if platform is None:  # the platform's own error is reported
            return url
        name, hosts = SHOP_PLATFORMS[platform]
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if hosts and (parts.scheme != "https" or not any(host == h or host.endswith("." + h) for h in hosts)):
            raise pydantic_error("shop_url", msg(
                "is not a {platform} address (got '{value}'); copy the shop's link from {platform}: it starts with "
                "https://{host}/", platform=name, value=url, host=hosts[0]))
        return url


class BuyerInfo(FrontMatter):
    """What a trade buyer asks a producer before ordering, as the producer states it (text as
    written: ``capacity`` "5 tấn mỗi tháng", ``minimum_order`` "1 thùng 24 chai"), with the
    ``packaging`` offered, ``certifications`` held (ISO 22000, VietGAP …) and the
    ``export_markets`` already sold to. Every fact needs a source in the entry's ``sources``."""

    capacity: str | None = None
    minimum_order: str | None = None
    packaging: TextList = []
    certifications: TextList = []
    export_markets: TextList = []


class Price(FrontMatter):
    """A retail price: ``amount`` in VND (integer) per ``unit`` (``chai 500 ml``)."""

    amount: Annotated[int, BeforeValidator(parse_vnd), AfterValidator(check_price)]
    unit: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_amount(cls, value: Any) -> Any:
        # `price: 120.000` alone is the amount; no need to write `amount:`.
        return {"amount": value} if isinstance(value, (str, int)) else value


class FormerAddress(FrontMatter):
    """An address as published before the 1 July 2025 reform (old commune and district)."""

    commune: str | None = None
    district: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> FormerAddress:
        if not self.commune and not self.district:
            raise pydantic_error("former_empty", msg("needs a commune or a district"))
        return self


class RecognitionMeta(FrontMatter):
    """One OCOP star award as typed: stars 3–5, decision number and date, batch, kind,
    criteria version (``"1048"`` of 2019 or ``"148"`` of 2023) and score out of 100."""

    stars: Stars
    date: Annotated[PartialDate, BeforeValidator(parse_partial_date)]
    decision: str | None = None
    kind: RecognitionKind | None = None
    batch: str | None = None
    criteria: Literal["1048", "148"] | None = None
    score: Annotated[int, Field(ge=0, le=100)] | None = None


class Sourced(FrontMatter):
    """Entries whose facts come from public sources; ``notes`` say what the sources leave
    open (shown discreetly beside them, never in the story); ``extra`` holds free-form data."""

    #: Public web pages the entry's facts come from (every fact shown needs one).
    sources: UrlList = []
    #: Short notes on the sources: what they do not say, which differ (shown with them).
    notes: TextList = []
    #: Free-form data for custom templates (the shipped templates do not show it).
    extra: dict[str, Any] = {}


class Publishable(Sourced):
    """Entries that can be held back: a draft, or scheduled for a later day."""

    draft: bool = False
    #: The entry appears from this day on (before it, it is left out like a draft).
    publish_date: DateField | None = None
    #: Last day the entry's facts were checked or changed (sitemap, feed, calendar).
    updated: DateField | None = None

    def is_published(self, today: dt.date) -> bool:
        """Return True unless the entry is a draft or scheduled after ``today``."""
        return not self.draft and not (self.publish_date and self.publish_date > today)


class Illustrated(FrontMatter):
    """Entries with photos beside them (``images:``, each with its ``alt`` text)."""

    images: list[ImageRef] = []


class Point(FrontMatter):
    """A point on the map: ``lat`` and ``lon`` in decimal degrees (WGS 84). Also written as
    one text ``"18.3433, 105.9057"``, the way a map application copies it (latitude first)."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",")]
            if len(parts) == 4 and all(p.isdigit() for p in parts):  # "18,34, 105,9"
                raise pydantic_error("location_comma", msg("has decimal commas ('{value}'): YAML cannot tell them from the comma between the two numbers",
                                                           value=value))
            if len(parts) != 2:
                raise pydantic_error("location_text", msg("must be 'lat: …' and 'lon: …' lines, or one text 'latitude, longitude' (got '{value}')",
                                                          value=value))
            return {"lat": parts[0], "lon": parts[1]}
        if isinstance(value, dict) and any(isinstance(k, str) and k.isdigit() for k in value):  # {lat: 18,34, …}
            parts: list[str] = []
            for k, v in value.items():  # put back what was typed: lat: 18,34, lon: 105,9
                if str(k).isdigit() and parts:
                    parts[-1] += f",{k}"
                else:
                    parts.append(f"{k}: {v}")
            typed = ", ".join(parts)
            raise pydantic_error("location_comma", msg("has a decimal comma ({value}): YAML reads it as two values", value=typed))
        return value


def _inside(axis: str, other: str) -> Callable[[float], float]:
    """Return a validator keeping one coordinate inside the province (``PROVINCE_BOUNDS``),
    which names the swap when the number is the other coordinate's."""
    (low, high), (other_low, other_high) = PROVINCE_BOUNDS[axis], PROVINCE_BOUNDS[other]

    def check(value: float) -> float:
        if low <= value <= high:
            return value
        if other_low <= value <= other_high:
            raise pydantic_error("location_swapped", msg("is {value}, which is Hà Tĩnh's {other}, not its {axis}", value=value,
                                                         other=msg("longitude") if other == "lon" else msg("latitude"),
                                                         axis=msg("longitude") if axis == "lon" else msg("latitude")))
        raise pydantic_error("location_outside", msg("is {value}, outside Hà Tĩnh, whose {axis} runs from {low} to {high}", value=value,
                                                     axis=msg("longitude") if axis == "lon" else msg("latitude"), low=low, high=high))

    return check


class Location(Point):
    """A point inside the province (``PROVINCE_BOUNDS``), where products, producers and
    crafts are; each coordinate is checked on its own line."""

    lat: Annotated[float, AfterValidator(_inside("lat", "lon"))]
    lon: Annotated[float, AfterValidator(_inside("lon", "lat"))]


class Located(FrontMatter):
    """Entries that sit in a commune: a current commune and/or a pre-2025 address, and a
    point on the map inside the province."""

    commune: str | None = None
    former_address: FormerAddress | None = None
    location: Location | None = None


class ProductMeta(Publishable, Illustrated, Located):
    """Front matter of ``content/products/<slug>/index.md``."""

    name: Name
    group: Group | None = None
    producer: str | None = None
    gtin: Annotated[str, BeforeValidator(check_gtin)] | None = None
    recognitions: Annotated[list[RecognitionMeta], Field(min_length=1)]
    summary: str | None = None
    price: Price | None = None
    contact: Contact | None = None
    standards: TextList = []
    where_to_buy: list[Place] = []
    shops: list[OnlineShop] = []
    #: The product's record on a traceability system (the national portal or the province's),
    #: linked from its page and its GS1 Digital Link page.
    traceability: Url | None = None
    tags: TextList = []

    @field_validator("group", mode="before")
    @classmethod
    def _group_given(cls, value: Any) -> Any:
        return not_left_empty(value, ProductGroup)


class ProducerMeta(Publishable, Illustrated, Located):
    """Front matter of ``content/producers/<slug>/index.md``."""

    name: Name
    type: ProducerKind | None = None
    address: str | None = None
    contact: Contact | None = None
    founded: Year | None = None
    model_cooperative: Year | None = None
    startup_cooperative: Year | None = None
    buyer: BuyerInfo | None = None
    summary: str | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _type_given(cls, value: Any) -> Any:
        return not_left_empty(value, ProducerType)


class CommuneMeta(Sourced, Illustrated):
    """Front matter of the optional ``content/communes/<slug>.md``."""

    summary: str | None = None


class CraftMeta(Publishable, Illustrated, Located):
    """Front matter of ``content/crafts/<slug>/index.md`` (a village craft, làng nghề)."""

    name: Name
    craft: str | None = None
    recognition_type: CraftKind | None = None
    status: Literal["recognised", "proposed", "unconfirmed"] = "recognised"
    recognition_year: Year | None = None
    decision: str | None = None
    products: TextList = []
    summary: str | None = None


class FairMeta(Publishable, Illustrated):
    """Front matter of ``content/fairs/<slug>/index.md``; times are Asia/Ho_Chi_Minh."""

    name: Name
    start: EventTime
    end: EventTime | None = None
    venue: str | None = None
    city: str | None = None
    commune: str | None = None
    location: Point | None = None  # a fair may be held outside the province
    organiser: str | None = None
    booths: Annotated[int, Field(ge=0)] | None = None
    producers: TextList = []
    products: TextList = []
    website: Url | None = None
    summary: str | None = None

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: dt.date | dt.datetime | None, info: ValidationInfo) -> dt.date | dt.datetime | None:
        start = info.data.get("start")
        both_timed = isinstance(end, dt.datetime) and isinstance(start, dt.datetime)
        if end is not None and start is not None and (end < start if both_timed else _day(end) < _day(start)):
            raise pydantic_error("fair_dates", msg("is before the start ({start})", start=_day(start).isoformat()))
        return end


_DAY_NAMES = {"mon": ("t2", "thu 2", "thu hai"), "tue": ("t3", "thu 3", "thu ba"), "wed": ("t4", "thu 4", "thu tu"),
              "thu": ("t5", "thu 5", "thu nam"), "fri": ("t6", "thu 6", "thu sau"), "sat": ("t7", "thu 7", "thu bay"),
              "sun": ("cn", "chu nhat")}


def _weekday(text: str) -> str:
    from .vietnamese import fold

    key = " ".join(fold(text).split())
    for day, names in _DAY_NAMES.items():
        if key == day or key in names:
            return day
    raise pydantic_error("weekday", msg(
        "'{value}' is not a day of the week; write mon, tue, wed, thu, fri, sat, sun (or T2 … T7, CN)", value=text))


def parse_days(value: Any) -> list[str]:
    """Return the days of ``value`` in week order: ``mon-sat`` (a range), ``mon, wed, fri``
    or a list, ``T2-T7``, ``CN``. Raises a validation error naming a word that is not a day."""
    parts = value if isinstance(value, list) else str(value).split(",")
    days: set[str] = set()
    for part in parts:
        ends = [p.strip() for p in str(part).replace("–", "-").split("-")]
        if len(ends) == 2 and all(ends):
            first, last = WEEKDAYS.index(_weekday(ends[0])), WEEKDAYS.index(_weekday(ends[1]))
            days.update(WEEKDAYS[first:last + 1] if first <= last else WEEKDAYS[first:] + WEEKDAYS[:last + 1])
        else:
            days.add(_weekday(str(part)))
    return [d for d in WEEKDAYS if d in days]


def parse_clock(value: Any) -> str:
    """Return a time of day as ``HH:MM`` (``7:30``, ``07:30``, ``7h30``, ``17h``). Raises a
    validation error for anything else."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*(?::|h|g)\s*(\d{2})?\s*", str(value), re.I)
    if match and int(match[1]) <= 24 and int(match[2] or 0) < 60:
        return f"{int(match[1]):02d}:{int(match[2] or 0):02d}"
    raise pydantic_error("clock", msg("'{value}' is not a time of day; write it as 07:30 or 7h30", value=value))


class OpeningHours(FrontMatter):
    """When a point of sale is open: ``days`` (``mon-sat``, ``T2-T7``, ``sun``, a list) from
    ``opens`` to ``closes`` (local time, ``HH:MM``)."""

    days: Annotated[list[str], BeforeValidator(parse_days)]
    opens: Annotated[str, BeforeValidator(parse_clock)]
    closes: Annotated[str, BeforeValidator(parse_clock)]

    @property
    def run(self) -> bool:
        """Return True when the days are three or more days in a row (written as a range:
        "Thứ Hai – Thứ Bảy", ``Mo-Sa``), False when they are listed one by one."""
        idx = [WEEKDAYS.index(d) for d in self.days]
        return len(idx) > 2 and idx == list(range(idx[0], idx[-1] + 1))


class OutletMeta(Publishable, Illustrated, Located):
    """Front matter of ``content/outlets/<slug>/index.md``: a point of sale (điểm bán) of OCOP
    products, with the ``products`` it carries (slugs of products)."""

    name: Name
    type: OutletKind | None = None
    address: str | None = None
    hours: list[OpeningHours] = []
    contact: Contact | None = None
    products: TextList = []
    summary: str | None = None


class PageMeta(Publishable):
    """Front matter of ``content/pages/<slug>.md``."""

    title: Name
    summary: str | None = None
    #: Position in the main menu (lower first); pages without it are only in the footer.
    menu: int | None = None
    #: Short label for the menu (default: the title).
    menu_title: Annotated[str, AfterValidator(check_name_length)] | None = None
    #: Show the programme's standing office (``office`` in site_config.yaml) on this page.
    office: bool = False


class TranslationMeta(FrontMatter):
    """Front matter of an entry's words in another language (``index.en.md`` beside
    ``index.md``, ``<slug>.en.md`` beside a page): only words, never facts, which are
    written once, in the entry's own file. Empty words fall back to the entry's own."""

    #: The entry's name (``title`` for plain pages).
    name: Name | None = None
    title: Name | None = None
    summary: str | None = None
    #: Short label for the menu (plain pages).
    menu_title: Annotated[str, AfterValidator(check_name_length)] | None = None
    #: The notes on the sources, in this language.
    notes: TextList = []


#: The keys a translation may hold.
TRANSLATION_FIELDS = frozenset(TranslationMeta.model_fields)


@dataclass
class Translation:
    """An entry's words in one language: ``meta`` (``TranslationMeta``), the Markdown
    ``body`` (the story), the file they come from (``path``, relative to the project) and a
    hash of its bytes (``digest``)."""

    lang: str
    path: str
    meta: TranslationMeta
    body: str
    digest: str = ""


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# --- what the site derives ------------------------------------------------------------------


@dataclass(frozen=True)
class Image:
    """A processed photo: its derivatives and what ``<img>`` needs.

    ``variants`` maps a format (``"webp"``, ``"jpeg"``) to ``[(url, width)]`` sorted by
    width; ``width``/``height`` are those of the largest derivative, in pixels.
    """

    alt: str
    width: int
    height: int
    src: str
    variants: dict[str, list[tuple[str, int]]]

    def srcset(self, fmt: str) -> str:
        """Return an HTML ``srcset`` for one format."""
        return ", ".join(f"{url} {w}w" for url, w in self.variants[fmt])


@functools.lru_cache(maxsize=8192)
def _validity_end(day: dt.date) -> dt.date:
    """Return ``day`` + 36 months (29 February gives 28 February), cached: many
    recognitions share a decision date, and the month arithmetic is slow."""
    return day + relativedelta(months=VALIDITY_MONTHS)


@dataclass(frozen=True)
class Recognition:
    """One star award with its derived validity (36 months from the decision date)."""

    stars: int
    date: PartialDate
    decision: str | None = None
    kind: str | None = None
    batch: str | None = None
    criteria: str | None = None
    score: int | None = None
    #: The first day the recognition is no longer valid (date + 36 months; set on creation).
    valid_until: dt.date = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "valid_until", _validity_end(self.date.value))

    @property
    def last_valid_day(self) -> dt.date:
        """Return the last day the recognition is in force."""
        return self.valid_until - dt.timedelta(days=1)

    def is_valid(self, today: dt.date) -> bool:
        """Return True if the recognition is in force on ``today`` (never when its date is
        unknown: an unknown date cannot show a star as current)."""
        return self.date.precision != "unknown" and self.date.value <= today < self.valid_until


@dataclass(frozen=True)
class Photo:
    """A photo to publish: its absolute ``source`` path inside the project, and its ``alt`` text."""

    source: Path
    alt: str


@dataclass
class Entry:
    """What a reader returns: validated front matter, Markdown body and where it came from.

    ``kind`` is a name of ``kinds.KINDS``; ``slug`` is the folder (or file) name; ``path``
    is relative to the project root; ``lines`` maps a front-matter field path
    (``("recognitions", 0, "stars")``) to its 1-based ``(line, column)``; ``digest`` is a
    hash of the file's bytes.
    """

    kind: str
    slug: str
    path: str
    meta: Any
    body: str
    folder: Any = None
    lines: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    #: Problems found while reading that do not stop the entry (severity ``warning``).
    warnings: list = field(default_factory=list)
    #: The photos listed under ``images`` that passed the reader's checks, in order.
    photos: tuple[Photo, ...] = ()
    digest: str = ""
    #: The file line the Markdown body starts on.
    body_line: int = 0
    #: True when the entry has errors (in ``warnings``): it is checked, never published.
    broken: bool = False
    #: The entry's words in other languages, by language (``{"en": Translation}``).
    translations: dict[str, Translation] = field(default_factory=dict)

    def position(self, *field_path: Any) -> tuple[int, int]:
        """Return ``(line, column)`` of a field, or of its nearest parent, or of the file's start."""
        return position_of(self.lines, field_path)
