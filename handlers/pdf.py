"""The minutes as PDF for the municipality's website (reportlab, embedded Unicode TTF font).

Uses DejaVu Sans when Debian's fonts-dejavu-core is installed, else the Bitstream Vera font
that ships inside reportlab; both carry æ, ø and å.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, ListFlowable, Paragraph, SimpleDocTemplate, Spacer

from bot import texts
from bot.minutes_doc import Block, doc_blocks
from bot.minutes_model import MinutesDoc

REGULAR, BOLD = "KluSans", "KluSans-Bold"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
VERA = Path(reportlab.__file__).parent / "fonts"
_registered = False


def _register_fonts() -> None:
    global _registered
    if _registered:
        return
    if (DEJAVU / "DejaVuSans.ttf").exists() and (DEJAVU / "DejaVuSans-Bold.ttf").exists():
        regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    else:
        regular, bold = VERA / "Vera.ttf", VERA / "VeraBd.ttf"
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    _registered = True


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("p", fontName=REGULAR, fontSize=10, leading=14, spaceAfter=4)
    return {
        "p": base,
        "meta": ParagraphStyle("meta", parent=base, spaceAfter=0),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=10,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, fontName=BOLD, spaceBefore=4, spaceAfter=2, keepWithNext=1
        ),
        "toc": ParagraphStyle("toc", parent=base, spaceAfter=1),
        "toc_sub": ParagraphStyle("toc_sub", parent=base, leftIndent=14, spaceAfter=1),
    }


def _flowables(block: Block, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    if block.kind in ("h1", "h2", "h3", "meta"):
        return [Paragraph(escape(block.text), styles[block.kind])]
    if block.kind == "p":
        return [Paragraph("<br/>".join(escape(x) for x in block.text.splitlines()), styles["p"])]
    if block.kind == "ul":
        items = [Paragraph(escape(i), styles["p"]) for i in block.items]
        return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=12)]
    if block.kind == "toc":
        return [
            Paragraph(escape(i.strip()), styles["toc_sub" if i.startswith(" ") else "toc"])
            for i in block.items
        ]
    if block.kind == "links":
        items = [Paragraph(_link(name, url), styles["p"]) for name, url in block.links]
        return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=12)]
    return []


def _link(name: str, url: str) -> str:
    if url.startswith(("https://", "http://")):
        return (
            f'<link href="{escape(url, {chr(34): "&quot;"})}">{escape(name)}</link> ({escape(url)})'
        )
    return escape(name)


def render_pdf(doc: MinutesDoc) -> bytes:
    """The minutes as a PDF (A4, page numbers in the footer)."""
    _register_fonts()
    styles = _styles()
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{texts.DOC_REFERAT}: {doc.title}",
        author=doc.unit or doc.title,
        lang="da",
    )
    story: list[Flowable] = []
    for block in doc_blocks(doc):
        story += _flowables(block, styles)
    story.append(Spacer(1, 4 * mm))

    def footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.setFont(REGULAR, 8)
        page = texts.DOC_PAGE.format(page=canvas.getPageNumber())
        canvas.drawRightString(A4[0] - 22 * mm, 12 * mm, page)

    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
