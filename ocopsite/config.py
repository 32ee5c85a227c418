"""``site_config.yaml`` → ``SiteConfig``, validated once, every bad key reported."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from PIL import ImageColor
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import BuildError, ContentError, msg
from .frontmatter import Problem, Problems, decode, load_yaml, validation_errors

CONFIG_FILE = "site_config.yaml"


class ImageSettings(BaseModel):
    """How photos are published."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Widths in pixels of the derivatives made of every photo (never upscaled).
    widths: Annotated[list[Annotated[int, Field(ge=16, le=4096)]], Field(min_length=1)] = [320, 640, 1024, 1600]
    #: Encoder quality, 1–100, for WebP and JPEG.
    quality: Annotated[int, Field(ge=1, le=100)] = 80
    #: Largest photo accepted, in pixels (width × height); bigger is refused as a bomb.
    max_pixels: Annotated[int, Field(ge=1)] = 60_000_000
    #: Largest photo file accepted, in bytes.
    max_bytes: Annotated[int, Field(ge=1000)] = 30_000_000
    #: Most photos one entry may list.
    max_per_entry: Annotated[int, Field(ge=1)] = 30
    #: Background colour that transparent photos are flattened on for JPEG.
    background: str = "#ffffff"

    @field_validator("background")
    @classmethod
    def _colour(cls, value: str) -> str:
        try:
            ImageColor.getrgb(value)
        except ValueError:
            raise ValueError(msg("is not a colour (got '{value}'); write it like #ffffff", value=value)) from None
        return value


class Office(BaseModel):
    """The programme's standing office, as its public sources give it: shown on the contact
    page, in the footer, and as the contact of products whose producer has none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The office's name as published.
    name: str
    #: What it does for the programme, in one sentence.
    role: str = ""
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    #: The public pages every fact above comes from.
    sources: list[str] = []

    @field_validator("website", *("sources",))
    @classmethod
    def _https(cls, value: Any) -> Any:
        for url in ([value] if isinstance(value, str) else value or []):
            if not url.startswith(("https://", "http://")):
                raise ValueError(msg("must be a web address starting with https:// (got '{value}')", value=url))
        return value


class Target(BaseModel):
    """One target of the programme's plan, shown against the site's own count (see
    ``stats`` for the metrics): ``metric`` counted for ``year`` must reach ``value``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: Annotated[int, Field(ge=2000, le=2100)]
    metric: Literal["products_recognised", "products_new", "products_valid", "model_cooperatives", "startup_cooperatives"]
    value: Annotated[int, Field(ge=0)]
    #: Only recognitions of at least this many stars count (product metrics).
    min_stars: Annotated[int, Field(ge=3, le=5)] = 3
    #: The target in the plan's words, shown on the statistics page (``title_en`` on English pages).
    title: str
    title_en: str | None = None
    #: The document that sets the target, as it is named, and its public address if any.
    source: str
    source_url: str | None = None


class Licence(BaseModel):
    """The licence of the open data files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    url: str | None = None


class MapSettings(BaseModel):
    """The map page. Without ``tiles`` it draws no background and makes no request to
    another site; with a tile URL (``https://tile.example.org/{z}/{x}/{y}.png``) the page
    loads tiles from that host, credited with ``attribution``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tiles: str | None = None
    attribution: str = ""

    @field_validator("tiles")
    @classmethod
    def _tile_url(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith("https://") or not all(k in value for k in ("{z}", "{x}", "{y}"))):
            raise ValueError(msg("must be an https:// tile address with {z}, {x} and {y}", z="{z}", x="{x}", y="{y}"))
        return value


class SiteText(BaseModel):
    """The site's own words in another language than the content's (``translations.en``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None
    tagline: str | None = None
    description: str | None = None
    #: The standing office's role (its name is a proper name and stays as published).
    office_role: str | None = None


class SiteConfig(BaseModel):
    """Site settings. Every option is documented where it is declared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Site name, shown in the header and in page titles.
    title: str
    #: One line under the title on the home page.
    tagline: str = ""
    #: Default description for search engines and share cards.
    description: str = ""
    #: Absolute URL where the site is published; may carry a path (``https://x.org/ocop/``).
    base_url: str = "http://127.0.0.1:8000/"
    #: Languages the site is published in; the first is the content's, at the site root,
    #: the others under ``/<lang>/`` (``vi``, ``en``).
    languages: Annotated[list[Literal["vi", "en"]], Field(min_length=1)] = ["vi"]
    #: The site's title, tagline, description and office role in the other languages.
    translations: dict[Literal["en"], SiteText] = {}
    #: National code of the province whose communes are used (Hà Tĩnh is 42).
    province_code: int = 42
    #: Products per page on paginated lists.
    page_size: Annotated[int, Field(ge=1, le=500)] = 24
    #: Products at or above this star count are featured on the home page.
    featured_min_stars: Annotated[int, Field(ge=3, le=5)] = 4
    #: How many products the home page features.
    featured_count: Annotated[int, Field(ge=0)] = 8
    #: Largest content file accepted, in bytes.
    max_content_bytes: Annotated[int, Field(ge=1000)] = 1_000_000
    #: Hosts whose videos may be embedded with <iframe> in Markdown bodies (https only).
    video_hosts: list[str] = ["www.youtube-nocookie.com", "www.youtube.com", "player.vimeo.com"]
    images: ImageSettings = ImageSettings()
    #: The programme's standing office (contact page, footer, fallback contact of products).
    office: Office | None = None
    #: Targets of the programme's plan, shown on the statistics page against the site's counts.
    targets: list[Target] = []
    #: The licence of the open data files (``/du-lieu/``); None publishes them without one.
    data_licence: Licence | None = None
    map: MapSettings = MapSettings()

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        if value[0] != "vi":
            raise ValueError(msg("must start with vi: the content is written in Vietnamese, published at the site root"))
        if len(set(value)) != len(value):
            raise ValueError(msg("lists a language twice"))
        return value

    @property
    def language(self) -> str:
        """Return the content's language (the first of ``languages``)."""
        return self.languages[0]

    def text(self, name: str, lang: str) -> str:
        """Return the site's ``title``, ``tagline``, ``description`` or ``office_role`` in
        ``lang``, falling back to the content's language."""
        own = self.translations.get(lang)  # type: ignore[call-overload]
        value = getattr(own, name, None) if own else None
        if value:
            return value
        return self.office.role if name == "office_role" and self.office else getattr(self, name, "")

    @field_validator("province_code")
    @classmethod
    def _province(cls, value: int) -> int:
        if value != 42:
            # The shipped old → new commune mapping (ocopsite/data/) is Hà Tĩnh's (code 42).
            raise ValueError(msg("must be 42 (Hà Tĩnh): the commune mapping shipped in ocopsite/data/ is for Hà Tĩnh only"))
        return value

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(msg("must be an absolute http(s) URL such as https://example.org/ocop/"))
        return value if value.endswith("/") else value + "/"

    @property
    def base_path(self) -> str:
        """Return the path part of ``base_url`` (``/`` or ``/ocop-hatinh/``)."""
        return urlsplit(self.base_url).path or "/"


def load_config(root: Path, overrides: dict | None = None) -> SiteConfig:
    """Read and validate ``root/site_config.yaml``; ``overrides`` replace top-level keys.

    Raises ``BuildError`` listing every problem with its line.
    """
    path = root / CONFIG_FILE
    try:
        data, lines, problems = load_yaml(decode(path.read_bytes()), first_line=1)
    except FileNotFoundError:
        raise BuildError([ContentError(CONFIG_FILE, 0, 0, "", msg("is missing"), msg("create it at the project root"))]) from None
    except Problem as p:
        raise BuildError([p.error(CONFIG_FILE)]) from None
    except Problems as ps:
        raise BuildError([p.error(CONFIG_FILE) for p in ps.problems]) from None
    errors = [p.error(CONFIG_FILE) for p in problems]
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    data.update(given)
    try:
        config = SiteConfig.model_validate(data)
    except ValidationError as exc:
        for e in validation_errors(exc, SiteConfig, CONFIG_FILE, lines):
            if e.field in given:  # the value came from the command line, not the file
                e = ContentError(msg("command line"), 0, 0, "--" + e.field.replace("_", "-"), e.message, e.hint)
            errors.append(e)
    if errors:
        raise BuildError(errors)
    return config
