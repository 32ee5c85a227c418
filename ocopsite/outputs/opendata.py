"""Open data: the records as files anyone can open (``/du-lieu/``).

- ``products.csv``: one row per product, UTF-8 with a byte-order mark and CRLF line ends,
  so Excel opens the Vietnamese text correctly; list fields joined by `` | ``.
- ``products.json``, ``producers.json``, ``crafts.json``, ``fairs.json``: ``{"schema_version",
  "generated", "licence", "site", "<kind>": [rows]}``, each with its JSON Schema beside it
  (``products.schema.json`` …, draft 2020-12, written from the record classes).
- ``map.geojson``: a FeatureCollection (RFC 7946: positions are ``[lon, lat]``) of the
  entries whose front matter gives a ``location``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..records import (SCHEMA_VERSION, CraftRow, FairRow, OutletRow, ProducerRow, ProductRow, Records, as_dict,
                       json_schema)

#: The open data's folder under the site root, per language section (``segment("data")``).
TABLES = {"products": ProductRow, "producers": ProducerRow, "crafts": CraftRow, "fairs": FairRow, "outlets": OutletRow}
GEOJSON = "map.geojson"


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def _csv_line(values: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def csv_row(row: ProductRow, base_url: str) -> str:
    """Return one product's line of ``products.csv`` (``url`` absolute; lists joined by `` | ``)."""
    values = as_dict(row)
    values["url"] = base_url + values["url"].lstrip("/")
    return _csv_line(["" if v is None else " | ".join(v) if isinstance(v, list) else v for v in values.values()])


def products_csv(records: Records, base_url: str, line: Any = None) -> bytes:
    """Return ``products.csv``: UTF-8 with BOM, CRLF, the ``ProductRow`` fields as columns
    (``url`` absolute; ``sources`` joined by `` | ``); ``line(row)`` gives a row's line
    (default ``csv_row``)."""
    line = line or (lambda row: csv_row(row, base_url))
    names = [f for f in ProductRow.__dataclass_fields__]
    return ("\ufeff" + _csv_line(names) + "".join(line(row) for row in records.products)).encode("utf-8")


def json_row(row: Any, base_url: str) -> str:
    """Return one row as it stands in its table's JSON file: an object (``url`` absolute)
    indented for its place in the file's list."""
    text = json.dumps(as_dict(row) | {"url": base_url + row.url.lstrip("/")}, ensure_ascii=False, indent=1)
    return "\n".join("  " + line for line in text.split("\n"))


def table_json(head: dict[str, Any], name: str, rows: list[str]) -> bytes:
    """Return a table's JSON file: ``head`` then ``name``: the rows (``json_row`` texts),
    as ``json.dumps(..., indent=1)`` would write the whole document."""
    text = json.dumps({**head, name: []}, ensure_ascii=False, indent=1)
    if rows:
        text = text[: text.rindex("[]")] + "[\n" + ",\n".join(rows) + "\n ]\n}"
    return (text + "\n").encode("utf-8")


def schema(name: str, row_class: type, base_url: str, folder: str) -> dict[str, Any]:
    """Return the JSON Schema of ``<name>.json``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base_url}{folder}{name}.schema.json",
        "title": f"{name}.json", "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "generated": {"type": "string", "format": "date"},
            "licence": {"type": ["object", "null"], "properties": {"name": {"type": "string"}, "url": {"type": "string"}}},
            "site": {"type": "string"},
            name: {"type": "array", "items": json_schema(row_class)},
        },
        "required": ["schema_version", "generated", "licence", "site", name],
        "additionalProperties": False,
    }


def geojson(records: Records, base_url: str) -> dict[str, Any]:
    """Return the FeatureCollection of every entry with coordinates (``[lon, lat]``)."""
    features = []
    for kind, rows in (("product", records.products), ("producer", records.producers), ("craft", records.crafts), ("fair", records.fairs),
                       ("outlet", records.outlets)):
        for row in rows:
            if row.lat is None or row.lon is None:
                continue
            properties = {"id": row.id, "kind": kind, "name": row.name, "url": base_url + row.url.lstrip("/"), "commune": row.commune}
            if kind == "product":
                properties["stars"] = row.stars
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]}, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def open_data(records: Records, base_url: str, folder: str, licence: dict | None,
              memo: Any = None, context: Any = None) -> dict[str, bytes]:
    """Return ``{output path: bytes}`` of every open data file under ``folder``
    (``du-lieu/``). With a ``memo``, each row's text is kept by ``context(kind, id)`` (the
    context key of the row's entry), so an edit writes only its own rows anew."""

    def text(part: str, kind: str, row: Any, make: Any) -> str:
        return make(row, base_url) if memo is None else memo.cached(part, f"{kind}/{row.id}", context(kind, row.id),
                                                                    lambda: make(row, base_url))

    files = {f"{folder}products.csv": products_csv(records, base_url, lambda row: text("csv", "product", row, csv_row))}
    head = {"schema_version": SCHEMA_VERSION, "generated": records.today.isoformat(), "licence": licence, "site": base_url}
    for name, row_class in TABLES.items():
        kind = name[:-1]
        rows = [text(f"json:{name}", kind, r, json_row) for r in getattr(records, name)]
        files[f"{folder}{name}.json"] = table_json(head, name, rows)
        files[f"{folder}{name}.schema.json"] = _json(schema(name, row_class, base_url, folder))
    files[f"{folder}{GEOJSON}"] = _json(geojson(records, base_url))
    return files
