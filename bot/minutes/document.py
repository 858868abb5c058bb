"""The dagsorden and the referat laid out like the municipality's: Markdown and HTML.

`doc_blocks` turns a MinutesDoc into the document's parts once: the title block, the header
with its labels in a column (Møde, Tid, Sted, Deltagere, Afbud, …), the table of contents, and
the sections as headings with their items under them. The Markdown and HTML renderers here and
the PDF renderer (handlers/pdf.py, which prints this HTML) lay out the same parts, so the
documents never disagree. The HTML has one <h1>, landmarks (header, nav, main), lang="da" and
headings in order; printed, its table of contents carries page numbers that are links, every
page says "Side N af M", and anything not approved carries the Udkast mark on every page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot import texts
from bot.domain import Section
from bot.minutes.model import DocItem, MinutesDoc

HeaderLine = tuple[str, str]  # ("side", name) | ("person", line) within a header cell


@dataclass(frozen=True)
class DocBlock:
    """One part of the document.

    kinds: title (the h1), unit, draft (the note under the title), header (rows of label and
    lines), toc (anchor, text, depth), h2/h3/h4 (with an anchor for sections and items),
    p, ul, links.
    """

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    rows: tuple[tuple[str, tuple[HeaderLine, ...]], ...] = ()
    toc: tuple[tuple[str, str, int], ...] = ()
    anchor: str = ""


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each with its lines kept."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def bullets(text: str) -> list[str]:
    """Referat lines as bullet points ('- ', '• ', '* ' markers removed)."""
    lines = [re.sub(r"^\s*(?:[-•*]|\d+[.)])\s+", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]


def decision(item: DocItem) -> str:
    """The decision text, led by the outcome unless the decision already says it."""
    if item.outcome and item.beslutning:
        said = item.beslutning.casefold()
        stems = texts.OUTCOME_STEMS.get(item.outcome_key, ())
        if item.outcome.casefold() in said or any(stem in said for stem in stems):
            return item.beslutning
        return f"{item.outcome}.\n\n{item.beslutning}"
    if item.outcome:
        return f"{item.outcome}."
    return item.beslutning or texts.SUMMARY_NO_DECISION


def anchor_of(number: str) -> str:
    """'2.a' -> 'punkt-2-a'; a section '2' -> 'afsnit-2'."""
    parts = [p for p in re.split(r"[^0-9a-zæøå]+", number.casefold()) if p]
    return "punkt-" + "-".join(parts) if len(parts) > 1 else "afsnit-" + "-".join(parts)


def title_of(doc: MinutesDoc) -> str:
    """'Referat: Møde i Kommunalt Lægeligt Udvalg 18. juni 2026' (the PDF's and page's title)."""
    kind = texts.DOC_KIND_NAMES[doc.kind]
    return texts.DOC_PDF_TITLE.format(kind=kind, title=doc.title, day=doc.day).strip()


def _people_lines(doc: MinutesDoc) -> tuple[HeaderLine, ...]:
    lines: list[HeaderLine] = []
    for side, names in doc.participants:
        lines.append(("side", side))
        lines += [("person", n) for n in names]
    if doc.guests:
        lines.append(("side", texts.DOC_GUESTS))
        lines += [("person", g) for g in doc.guests]
    return tuple(lines) or (("person", texts.DOC_NONE),)


def _header(doc: MinutesDoc) -> DocBlock:
    rows: list[tuple[str, tuple[HeaderLine, ...]]] = [
        (texts.DOC_LABEL_MEETING, (("person", doc.title),)),
        (texts.DOC_LABEL_WHEN, (("person", doc.when),)),
    ]
    if doc.place:
        rows.append((texts.DOC_LABEL_PLACE, (("person", doc.place),)))
    rows.append((texts.DOC_PARTICIPANTS, _people_lines(doc)))
    regrets = tuple(("person", r) for r in doc.regrets) or (("person", texts.DOC_NONE),)
    rows.append((texts.DOC_REGRETS, regrets))
    if doc.no_shows:
        rows.append((texts.DOC_NO_SHOW, tuple(("person", n) for n in doc.no_shows)))
    if doc.secretariat:
        rows.append((texts.DOC_LABEL_SECRETARIAT, (("person", doc.secretariat),)))
    if doc.case_line:
        rows.append((texts.DOC_LABEL_CASE, (("person", doc.case_line),)))
    return DocBlock("header", rows=tuple(rows))


def _single(entries: list[DocItem], section: int) -> bool:
    return len(entries) == 1 and entries[0].number == f"{section}."


def _sections(doc: MinutesDoc) -> list[tuple[int, list[DocItem]]]:
    return [
        (s, [i for i in doc.items if i.section == s])
        for s in Section.ALL
        if any(i.section == s for i in doc.items)
    ]


def _toc(doc: MinutesDoc) -> DocBlock:
    entries: list[tuple[str, str, int]] = []
    if doc.followups:
        entries.append(("opfoelgning", texts.DOC_FOLLOWUP, 1))
    for section, items in _sections(doc):
        if _single(items, section):
            entries.append((anchor_of(str(section)), f"{section}. {items[0].title}", 1))
            continue
        entries.append((anchor_of(str(section)), f"{section}. {texts.SECTION_TITLES[section]}", 1))
        entries += [(anchor_of(i.number), f"{i.number} {i.title}", 2) for i in items]
    if doc.next_meeting:
        entries.append(("naeste-moede", texts.DOC_NEXT_MEETING, 1))
    if doc.changes:
        entries.append(("rettelser", texts.DOC_CHANGES, 1))
    return DocBlock("toc", toc=tuple(entries))


def _item_parts(item: DocItem, level: int, agenda: bool) -> list[DocBlock]:
    part = f"h{level}"
    blocks: list[DocBlock] = []
    facts = [
        item.time,
        texts.DOC_PRESENTER.format(presenter=item.presenter) if item.presenter else "",
        texts.DOC_ITEM_GUESTS.format(names=", ".join(item.guests)) if item.guests else "",
    ]
    blocks += [DocBlock("p", f) for f in facts if f]
    full = item.section in (Section.FOR_DECISION, Section.INFORMATION)
    if item.indstilling:
        blocks += [DocBlock(part, texts.DOC_INDSTILLING), *_paras(item.indstilling)]
    if item.sagsbeskrivelse:
        blocks += [DocBlock(part, texts.DOC_SAGSBESKRIVELSE), *_paras(item.sagsbeskrivelse)]
    if not agenda:
        if item.referat:
            blocks += [
                DocBlock(part, texts.DOC_REFERAT),
                DocBlock("ul", items=tuple(bullets(item.referat))),
            ]
        if full or item.beslutning or item.outcome or not item.referat:
            blocks += [DocBlock(part, texts.DOC_BESLUTNING), *_paras(decision(item))]
        if item.actions:
            blocks += [DocBlock(part, texts.DOC_ACTIONS), DocBlock("ul", items=tuple(item.actions))]
    if full or item.attachments:
        blocks.append(DocBlock(part, texts.DOC_BILAG))
        if item.attachments:
            blocks.append(DocBlock("links", links=tuple(item.attachments)))
        else:
            blocks.append(DocBlock("p", texts.DOC_NONE))
    return blocks


def _paras(text: str) -> list[DocBlock]:
    return [DocBlock("p", p) for p in paragraphs(text)]


def doc_blocks(doc: MinutesDoc) -> list[DocBlock]:
    """The whole document in reading order."""
    blocks = [DocBlock("unit", doc.unit)] if doc.unit else []
    blocks.append(DocBlock("title", texts.DOC_KIND_NAMES[doc.kind]))
    if doc.draft:
        blocks.append(DocBlock("draft", texts.DOC_DRAFT_NOTES[doc.kind]))
    blocks += [_header(doc), _toc(doc)]
    if doc.followups:
        blocks.append(DocBlock("h2", texts.DOC_FOLLOWUP, anchor="opfoelgning"))
        blocks.append(DocBlock("ul", items=tuple(doc.followups)))
    for section, items in _sections(doc):
        if _single(items, section):
            blocks.append(
                DocBlock("h2", f"{section}. {items[0].title}", anchor=anchor_of(str(section)))
            )
            blocks += _item_parts(items[0], 3, doc.is_agenda)
            continue
        title = f"{section}. {texts.SECTION_TITLES[section]}"
        blocks.append(DocBlock("h2", title, anchor=anchor_of(str(section))))
        for item in items:
            blocks.append(
                DocBlock("h3", f"{item.number} {item.title}", anchor=anchor_of(item.number))
            )
            blocks += _item_parts(item, 4, doc.is_agenda)
    if doc.next_meeting:
        blocks.append(DocBlock("h2", texts.DOC_NEXT_MEETING, anchor="naeste-moede"))
        blocks += _paras(doc.next_meeting)
    if doc.changes:
        blocks.append(DocBlock("h2", texts.DOC_CHANGES, anchor="rettelser"))
        blocks.append(DocBlock("ul", items=tuple(doc.changes)))
    return blocks


# --- Markdown ---------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def _md_header(block: DocBlock) -> list[str]:
    out: list[str] = []
    for label, lines in block.rows:
        if len(lines) == 1 and lines[0][0] == "person":
            out.append(f"**{_md_escape(label)}:** {_md_escape(lines[0][1])}  ")
            continue
        out.append(f"**{_md_escape(label)}:**")
        out.append("")
        for kind, text in lines:
            out.append(f"- *{_md_escape(text)}*" if kind == "side" else f"    - {_md_escape(text)}")
        out.append("")
    return out


def to_markdown(doc: MinutesDoc) -> str:
    """The document as Markdown."""
    out: list[str] = []
    for b in doc_blocks(doc):
        if b.kind == "title":
            out.append("# " + _md_escape(b.text))
        elif b.kind in ("unit", "draft"):
            out.append(f"**{_md_escape(b.text)}**" if b.kind == "draft" else _md_escape(b.text))
        elif b.kind == "header":
            out += _md_header(b)
        elif b.kind == "toc":
            out.append("## " + _md_escape(texts.DOC_CONTENTS))
            out.append("")
            out += [("    " if depth > 1 else "") + "- " + _md_toc(t) for _, t, depth in b.toc]
        elif b.kind in ("h2", "h3", "h4"):
            out.append("#" * int(b.kind[1]) + " " + _md_escape(b.text))
        elif b.kind == "p":
            out.append("  \n".join(_md_escape(line) for line in b.text.splitlines()))
        elif b.kind == "ul":
            out.append("\n".join(f"- {_md_escape(i)}" for i in b.items))
        elif b.kind == "links":
            out.append("\n".join(_md_link(name, url) for name, url in b.links))
        out.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip() + "\n"


def _md_toc(text: str) -> str:
    return re.sub(r"^(\d+)\.(?=\s)", r"\1\\.", _md_escape(text))


def _md_link(name: str, url: str) -> str:
    if url.startswith(("https://", "http://")):
        return f"- [{_md_escape(name)}](<{url.replace('>', '%3E')}>)"
    return f"- {_md_escape(name)}"


# --- HTML -------------------------------------------------------------------------------------


def _css_text(template: str) -> str:
    """'Side {page} af {pages}' as a CSS content value with the page counters."""
    parts = re.split(r"\{(page|pages)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"counter({part})")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)


def _style(doc: MinutesDoc) -> str:
    draft = (
        f'@top-right{{content:"{texts.DOC_DRAFT.upper()}";color:#b00020;font-weight:bold;'
        "font-size:14pt;letter-spacing:.2em}"
        if doc.draft
        else ""
    )
    return (
        "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:46em;margin:2em auto;"
        "line-height:1.45;color:#111}h1{font-size:1.6em;margin:.1em 0 .6em}"
        "h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #999}"
        "h3{font-size:1.1em;margin:1.2em 0 .3em}h4{font-size:1em;margin:.8em 0 .2em}"
        ".unit{margin:0;color:#333}.draft{color:#b00020;font-weight:bold}"
        "table.header{border-collapse:collapse;margin:.5em 0 1.5em}"
        "table.header th{text-align:left;vertical-align:top;padding:.15em 1.5em .15em 0;"
        "white-space:nowrap}table.header td{vertical-align:top;padding:.15em 0}"
        "table.header p{margin:0}table.header .side{font-style:italic;margin-top:.3em}"
        "table.header ul{list-style:none;margin:0;padding:0}"
        "nav ol{list-style:none;padding-left:0}nav ol ol{padding-left:2em}"
        "nav a{color:inherit;text-decoration:none}"
        "@media print{body{max-width:none;margin:0;font-size:10pt}"
        "nav a::after{content:leader(' ') target-counter(attr(href),page)}"
        "h2,h3,h4{break-after:avoid}}"
        "@page{size:A4;margin:22mm 20mm 20mm 22mm;font-family:'DejaVu Sans',sans-serif;"
        f"@bottom-right{{content:{_css_text(texts.DOC_PAGE_OF)};font-size:8pt}}{draft}}}"
    )


def _html_cell(lines: tuple[HeaderLine, ...]) -> str:
    e = html.escape
    if len(lines) == 1 and lines[0][0] == "person":
        return f"<p>{e(lines[0][1])}</p>"
    cell: list[str] = []
    people: list[str] = []
    for kind, text in [*lines, ("side", "")]:
        if kind == "person":
            people.append(text)
            continue
        if people:
            cell.append("<ul>" + "".join(f"<li>{e(p)}</li>" for p in people) + "</ul>")
            people = []
        if text:
            cell.append(f'<p class="side">{e(text)}</p>')
    return "".join(cell)


def _html_header(block: DocBlock) -> str:
    rows = [
        f'<tr><th scope="row">{html.escape(label)}</th><td>{_html_cell(lines)}</td></tr>'
        for label, lines in block.rows
    ]
    return (
        f'<table class="header" aria-label="{html.escape(texts.DOC_HEADER_LABEL, quote=True)}">'
        + "".join(rows)
        + "</table>"
    )


def _html_toc(block: DocBlock) -> str:
    e = html.escape
    out = ['<nav aria-labelledby="indhold">', f'<h2 id="indhold">{e(texts.DOC_CONTENTS)}</h2>']
    out.append("<ol>")
    open_sub = False
    for anchor, text, depth in block.toc:
        link = f'<a href="#{anchor}">{e(text)}</a>'
        if depth > 1:
            if not open_sub:
                out[-1] = out[-1].removesuffix("</li>") + "<ol>"
                open_sub = True
            out.append(f"<li>{link}</li>")
            continue
        if open_sub:
            out.append("</ol></li>")
            open_sub = False
        out.append(f"<li>{link}</li>")
    if open_sub:
        out.append("</ol></li>")
    out += ["</ol>", "</nav>"]
    return "\n".join(out)


def _html_block(b: DocBlock) -> str:
    e = html.escape
    if b.kind in ("h2", "h3", "h4"):
        anchor = f' id="{b.anchor}"' if b.anchor else ""
        return f"<{b.kind}{anchor}>{e(b.text)}</{b.kind}>"
    if b.kind == "p":
        return "<p>" + "<br>".join(e(line) for line in b.text.splitlines()) + "</p>"
    if b.kind == "ul":
        return "<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>"
    if b.kind == "links":
        return "<ul>" + "".join(_html_link(n, u) for n, u in b.links) + "</ul>"
    return ""


def to_html(doc: MinutesDoc) -> str:
    """The document as a standalone HTML page (UTF-8, everything escaped once)."""
    e = html.escape
    head: list[str] = []
    body: list[str] = []
    for b in doc_blocks(doc):
        if b.kind == "unit":
            head.append(f'<p class="unit">{e(b.text)}</p>')
        elif b.kind == "title":
            head.append(f"<h1>{e(b.text)}</h1>")
        elif b.kind == "draft":
            head.append(f'<p class="draft">{e(b.text)}</p>')
        elif b.kind == "header":
            head.append(_html_header(b))
        elif b.kind == "toc":
            body.append(_html_toc(b))
            body.append("<main>")
        else:
            body.append(_html_block(b))
    body.append("</main>")
    meta = f'<meta name="author" content="{e(doc.unit, quote=True)}">\n' if doc.unit else ""
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title_of(doc))}</title>\n{meta}<style>{_style(doc)}</style>\n</head>\n<body>\n"
        "<header>\n" + "\n".join(head) + "\n</header>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _html_link(name: str, url: str) -> str:
    if url.startswith(("https://", "http://")):
        return f'<li><a href="{html.escape(url, quote=True)}">{html.escape(name)}</a></li>'
    return f"<li>{html.escape(name)}</li>"
