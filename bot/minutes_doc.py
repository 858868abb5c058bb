"""The full minutes as a document laid out like the municipality's: Markdown and HTML.

`doc_blocks` flattens a MinutesDoc into headings, paragraphs and lists once; the Markdown and
HTML renderers here and the PDF renderer (handlers/pdf.py) lay out the same blocks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot import texts
from bot.domain import Section
from bot.minutes_model import DocItem, MinutesDoc


@dataclass(frozen=True)
class Block:
    """One piece of the document: h1/h2/h3/meta/p/ul/toc/links (toc entries indent by 4)."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each with its lines kept."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def bullets(text: str) -> list[str]:
    """Referat lines as bullet points ('- ', '• ', '* ' markers removed)."""
    lines = [re.sub(r"^\s*(?:[-•*]|\d+[.)])\s+", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]


def decision(item: DocItem) -> str:
    """The decision text, led by the outcome unless the text already says it."""
    if item.outcome and item.beslutning:
        if item.outcome.casefold() in item.beslutning.casefold():
            return item.beslutning
        return f"{item.outcome}.\n\n{item.beslutning}"
    if item.outcome:
        return f"{item.outcome}."
    return item.beslutning or texts.SUMMARY_NO_DECISION


def _people(doc: MinutesDoc) -> list[Block]:
    blocks = [Block("h2", texts.DOC_PARTICIPANTS)]
    for side, names in doc.participants:
        blocks += [Block("h3", side), Block("ul", items=tuple(names))]
    if doc.guests:
        blocks.append(Block("h3", texts.DOC_GUESTS))
        blocks.append(Block("ul", items=tuple(doc.guests)))
    blocks.append(Block("h2", texts.DOC_REGRETS))
    blocks.append(
        Block("ul", items=tuple(doc.regrets)) if doc.regrets else Block("p", texts.DOC_NONE)
    )
    if doc.no_shows:
        blocks.append(Block("h2", texts.DOC_NO_SHOW))
        blocks.append(Block("ul", items=tuple(doc.no_shows)))
    return blocks


def _contents(doc: MinutesDoc) -> list[Block]:
    lines: list[str] = []
    for section in Section.ALL:
        entries = [(n, t) for n, t, s in doc.contents if s == section]
        if len(entries) == 1 and entries[0][0] == f"{section}.":
            lines.append(f"{section}. {entries[0][1]}")
            continue
        lines.append(f"{section}. {texts.SECTION_TITLES[section]}")
        lines += [f"    {n} {t}" for n, t in entries]
    return [Block("h2", texts.DOC_CONTENTS), Block("toc", items=tuple(lines))]


def _item(item: DocItem) -> list[Block]:
    blocks = [Block("h2", f"{item.number} {item.title}")]
    if item.presenter:
        blocks.append(Block("p", texts.DOC_PRESENTER.format(presenter=item.presenter)))
    if item.guests:
        blocks.append(Block("p", texts.DOC_ITEM_GUESTS.format(names=", ".join(item.guests))))
    full = item.section in (Section.FOR_DECISION, Section.INFORMATION)
    if item.indstilling:
        blocks += [Block("h3", texts.DOC_INDSTILLING), *_paras(item.indstilling)]
    if item.sagsbeskrivelse:
        blocks += [Block("h3", texts.DOC_SAGSBESKRIVELSE), *_paras(item.sagsbeskrivelse)]
    if item.referat:
        blocks += [Block("h3", texts.DOC_REFERAT), Block("ul", items=tuple(bullets(item.referat)))]
    if full or item.beslutning or item.outcome or not item.referat:
        blocks += [Block("h3", texts.DOC_BESLUTNING), *_paras(decision(item))]
    if item.actions:
        blocks += [Block("h3", texts.DOC_ACTIONS), Block("ul", items=tuple(item.actions))]
    if full or item.attachments:
        blocks.append(Block("h3", texts.DOC_BILAG))
        if item.attachments:
            blocks.append(Block("links", links=tuple(item.attachments)))
        else:
            blocks.append(Block("p", texts.DOC_NONE))
    return blocks


def _paras(text: str) -> list[Block]:
    return [Block("p", p) for p in paragraphs(text)]


def doc_blocks(doc: MinutesDoc) -> list[Block]:
    """The whole document in reading order."""
    blocks = [Block("h1", texts.DOC_REFERAT), Block("h1", doc.title)]
    meta = [doc.unit, doc.when, doc.place, doc.case_line, doc.secretariat]
    blocks += [Block("meta", line) for line in meta if line]
    blocks += _people(doc)
    blocks += _contents(doc)
    if doc.followups:
        blocks += [Block("h2", texts.DOC_FOLLOWUP), Block("ul", items=tuple(doc.followups))]
    for item in doc.items:
        blocks += _item(item)
    if doc.next_meeting:
        blocks += [Block("h2", texts.DOC_NEXT_MEETING), Block("p", doc.next_meeting)]
    if doc.changes:
        blocks += [Block("h2", texts.DOC_CHANGES), Block("ul", items=tuple(doc.changes))]
    return blocks


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def to_markdown(doc: MinutesDoc) -> str:
    """The minutes as Markdown."""
    out: list[str] = []
    previous = ""
    for b in doc_blocks(doc):
        if b.kind == "meta" and previous == "meta":
            out.pop()  # meta lines form one block of hard-broken lines
        previous = b.kind
        if b.kind in ("h1", "h2", "h3"):
            out.append("#" * int(b.kind[1]) + " " + _md_escape(b.text))
        elif b.kind == "meta":
            out.append(_md_escape(b.text) + "  ")
        elif b.kind == "p":
            out.append("  \n".join(_md_escape(line) for line in b.text.splitlines()))
        elif b.kind == "ul":
            out.append("\n".join(f"- {_md_escape(i)}" for i in b.items))
        elif b.kind == "toc":
            out.append("\n".join(_md_toc(i) for i in b.items))
        elif b.kind == "links":
            out.append("\n".join(_md_link(name, url) for name, url in b.links))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _md_toc(entry: str) -> str:
    nested = entry.startswith("    ")
    text = re.sub(r"^(\d+)\.(?=\s)", r"\1\\.", _md_escape(entry.strip()))
    return ("    - " if nested else "- ") + text


def _md_link(name: str, url: str) -> str:
    if url.startswith(("https://", "http://")):
        return f"- [{_md_escape(name)}](<{url.replace('>', '%3E')}>)"
    return f"- {_md_escape(name)}"


STYLE = (
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:46em;margin:2em auto;"
    "line-height:1.45;color:#111}h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;"
    "margin-top:1.6em;border-bottom:1px solid #999}h3{font-size:1em;margin-bottom:.2em}"
    ".meta{margin:0}ul.toc{list-style:none;padding-left:0}ul.toc li.sub{margin-left:2em}"
)


def to_html(doc: MinutesDoc) -> str:
    """The minutes as a standalone HTML page (UTF-8, everything escaped)."""
    e = html.escape
    body: list[str] = []
    for b in doc_blocks(doc):
        if b.kind in ("h1", "h2", "h3"):
            body.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
        elif b.kind == "meta":
            body.append(f'<p class="meta">{e(b.text)}</p>')
        elif b.kind == "p":
            body.append("<p>" + "<br>".join(e(line) for line in b.text.splitlines()) + "</p>")
        elif b.kind == "ul":
            body.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "toc":
            body.append('<ul class="toc">' + "".join(_html_toc(i) for i in b.items) + "</ul>")
        elif b.kind == "links":
            body.append("<ul>" + "".join(_html_link(n, u) for n, u in b.links) + "</ul>")
    title = e(f"{texts.DOC_REFERAT}: {doc.title}")
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _html_toc(entry: str) -> str:
    css = ' class="sub"' if entry.startswith("    ") else ""
    return f"<li{css}>{html.escape(entry.strip())}</li>"


def _html_link(name: str, url: str) -> str:
    if url.startswith(("https://", "http://")):
        return f'<li><a href="{html.escape(url, quote=True)}">{html.escape(name)}</a></li>'
    return f"<li>{html.escape(name)}</li>"
