"""The dagsorden and the referat as tagged PDF/UA-1 (WeasyPrint prints the documents' HTML).

WeasyPrint, because it writes tagged PDF/UA-1 from semantic HTML: headings become H1–H4 in
the structure tree and bookmarks, lists become L/LI, the header table keeps its TH/TD, the
title and language (da) go into the metadata, fonts are embedded (DejaVu Sans from Debian's
fonts-dejavu-core, with æ, ø and å), and the table of contents gets page numbers that are
links (CSS target-counter). Rendering fetches nothing: the HTML is built here and every URL
fetch is refused, so a bilag link can never make the renderer reach the network.
"""

from __future__ import annotations

from typing import Any

from bot.minutes.document import to_html
from bot.minutes.model import MinutesDoc


class _NoFetch(Exception):
    """Raised for every URL the renderer asks for."""


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise _NoFetch(url)


def render_pdf(doc: MinutesDoc) -> bytes:
    """The document as a tagged PDF/UA-1 (A4, "Side N af M", Udkast on every draft page)."""
    from weasyprint import HTML  # imported when needed: it is large and slow to import

    pdf = HTML(string=to_html(doc), url_fetcher=_refuse).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)
