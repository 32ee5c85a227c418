"""PDF of a rendered page (a fair's product booklet), made with WeasyPrint from the page's
own HTML and print style.

WeasyPrint reads nothing from the network or from outside the project: every address the
page names is looked up in ``files`` (site path → file: pictures in the media cache, the
published assets, the build-only fonts) or the engine's generated assets; any other address
is refused, and the PDF is made without it. The PDF carries no build time, so the same page
gives the same bytes (the reproducibility gate compares builds).
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path

#: What a PDF reader shows as the document's producer (``pdf_identifier`` stays fixed too).
PRODUCER = "OCOP site generator (WeasyPrint)"


class _Fetcher:
    """WeasyPrint's URL fetcher limited to the site: ``resolve(site path)`` returns the
    bytes of a file the site publishes, or None."""

    def __init__(self, base_url: str, resolve: Callable[[str], bytes | None]) -> None:
        self.base_url, self.resolve = base_url, resolve

    def __call__(self, url: str, *args, **kwargs):
        from weasyprint.urls import URLFetcherResponse

        if not url.startswith(self.base_url):
            raise ValueError(f"not a file of the site: {url}")
        path = url[len(self.base_url):].split("?", 1)[0].split("#", 1)[0]
        data = self.resolve(path)
        if data is None:
            raise ValueError(f"not a file of the site: {url}")
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=data, headers={"Content-Type": kind})

    fetch = __call__


#: PDFs made in this process, by the hash of everything they are made from (``html_to_pdf``'s
#: ``key``): the preview server and the tests build the same booklet many times.
_MADE: OrderedDict[str, bytes] = OrderedDict()
_KEEP = 64


def html_to_pdf(html: str, page_url: str, base_url: str, resolve: Callable[[str], bytes | None], key: str = "") -> bytes:
    """Return the PDF of ``html`` (a page at ``page_url``, an absolute URL under the site's
    ``base_url``), printed with its ``@media print`` style; files it names come from
    ``resolve(path under the base URL)``. ``key`` names what the files are (their content
    hashes): the same HTML with the same key gives the PDF already made in this process.
    Raises ``ValueError`` if WeasyPrint fails."""
    import weasyprint
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False  # weasyprint's import turns it on for the whole process; our photos are checked whole
    digest = hashlib.blake2b(f"{key}\0{page_url}\0{base_url}\0{html}".encode(), digest_size=16).hexdigest()
    if (pdf := _MADE.get(digest)) is not None:
        _MADE.move_to_end(digest)
        return pdf
    document = weasyprint.HTML(string=html, base_url=page_url, url_fetcher=_Fetcher(base_url, resolve), media_type="print")
    pdf = _MADE[digest] = document.write_pdf(pdf_identifier=b"ocop-booklet", uncompressed_pdf=False)
    if len(_MADE) > _KEEP:
        _MADE.popitem(last=False)
    return pdf


def site_files(assets: Path, published: Mapping[str, str], generated: Mapping[str, bytes],
               files: Mapping[str, str], cache: Path) -> Callable[[str], bytes | None]:
    """Return ``resolve(path)`` for ``html_to_pdf``: ``assets/<published name>`` from the
    assets folder (``published``: name → published name), the generated assets
    (``generated``: published name → bytes), ``assets/fonts/…`` (build-only), and the
    pictures a page names (``files``: site path → media cache file name in ``cache``)."""
    by_published = {pub: name for name, pub in published.items()}
    pictures = {path.lstrip("/"): name for path, name in files.items()}

    def resolve(path: str) -> bytes | None:
        if path.startswith("assets/"):
            name = path[len("assets/"):]
            if name in generated:
                return generated[name]
            source = by_published.get(name) or (name if name.startswith("fonts/") and "/" not in name[6:] else None)
            if source is None:
                return None
            file = (assets / source).resolve()
            return file.read_bytes() if file.is_relative_to(assets.resolve()) and file.is_file() else None
        if path in pictures:
            return (cache / pictures[path]).read_bytes()
        return None

    return resolve
