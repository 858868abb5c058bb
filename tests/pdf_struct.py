"""A PDF's structure tree as poppler's `pdfinfo -struct-text` reads it (an independent reader).

`structure(pdf)` gives the tree of tagged elements (H1, P, L, LI, Table, TR, TH, TD, Link …),
each with the text it holds; `headings`, `header_rows` and `page_texts` read what a screen
reader and a person would.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

_TAG = re.compile(r"^(\s*)([A-Za-z][A-Za-z0-9]*)\b")
_TEXT = re.compile(r'^(\s*)"(.*)"$')


@dataclass
class Node:
    """One structure element and what it holds."""

    tag: str
    depth: int
    children: list[Node] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All the text under this element, as one line."""
        parts = [p for p in [*self.strings, *(c.text for c in self.children)] if p.strip()]
        out = ""
        for part in parts:  # a line broken after a dash joins without a space
            glue = "" if not out or out.endswith(("–", "-")) else " "
            out += glue + part.strip()
        return " ".join(out.split())

    def find(self, tag: str) -> list[Node]:
        """Every element with this tag under (and including) this one, in reading order."""
        found = [self] if self.tag == tag else []
        for child in self.children:
            found += child.find(tag)
        return found


def _run(args: list[str], pdf: bytes, after: tuple[str, ...] = ()) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        command = [*args, str(path), *after]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def structure(pdf: bytes) -> Node:
    """The document's structure tree (root tag 'Root')."""
    root = Node("Root", -1)
    stack = [root]
    for line in _run(["pdfinfo", "-struct-text"], pdf).splitlines():
        text = _TEXT.match(line)
        if text:
            stack[-1].strings.append(text.group(2).replace('\\"', '"'))
            continue
        tag = _TAG.match(line)
        if not tag:
            continue
        depth = len(tag.group(1))
        while stack[-1].depth >= depth:
            stack.pop()
        node = Node(tag.group(2), depth)
        stack[-1].children.append(node)
        stack.append(node)
    return root


def headings(tree: Node) -> list[tuple[str, str]]:
    """(tag, text) of every H1–H6 in reading order."""
    found: list[tuple[str, str]] = []

    def walk(node: Node) -> None:
        if re.fullmatch(r"H[1-6]", node.tag):
            found.append((node.tag, node.text))
            return
        for child in node.children:
            walk(child)

    walk(tree)
    return found


def header_rows(tree: Node) -> dict[str, list[str]]:
    """The header table: label (TH) -> the lines of its cell (each P and LI)."""
    rows: dict[str, list[str]] = {}
    for row in tree.find("TR"):
        th = row.find("TH")
        td = row.find("TD")
        if not th or not td:
            continue
        order = {id(n): i for i, n in enumerate(_preorder(td[0]))}
        nodes = sorted(td[0].find("P") + td[0].find("LI"), key=lambda n: order[id(n)])
        lines = [n.text for n in nodes]
        rows[th[0].text] = lines
    return rows


def _preorder(node: Node) -> list[Node]:
    out = [node]
    for child in node.children:
        out += _preorder(child)
    return out


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text (pdftotext, layout kept), one string per page."""
    return _run(["pdftotext", "-layout"], pdf, ("-",)).split("\f")[:-1] or [""]


def info(pdf: bytes) -> dict[str, str]:
    """`pdfinfo`'s key: value lines."""
    out = {}
    for line in _run(["pdfinfo"], pdf).splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out
