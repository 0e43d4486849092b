"""Server-rendered SVG pictures: a document's goal > strand > action tree and a timeline
of action deadlines. Plain SVG with links, readable without JavaScript or web fonts."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from html import escape

BOX_W, BOX_H, COL_GAP, ROW_GAP = 250, 44, 50, 12
KIND_COLOURS = {"doel": "#1b5e20", "actielijn": "#0d47a1", "actie": "#6a1b9a"}
KIND_ORDER = {"doel": 0, "actielijn": 1, "actie": 2}


@dataclass
class Node:
    iri: str
    kind: str
    label: str
    notation: str | None
    href: str
    children: list["Node"] = field(default_factory=list)
    y: float = 0.0
    depth: int = 0


def build_forest(rows: list[dict], href) -> list[Node]:
    """Tree nodes from document-tree.rq rows; a node with several parents hangs under the
    first one in the document's own order (goal before strand), so each appears once."""
    nodes: dict[str, Node] = {}
    parents: dict[str, list[str]] = {}
    for row in rows:
        iri = row["node"].value
        if iri not in nodes:
            nodes[iri] = Node(iri, row["kind"].value, _text(row["label"]) or iri.rsplit("/", 1)[-1],
                              _text(row["notation"]), href(iri))
        if row.get("parent") is not None:
            parents.setdefault(iri, []).append(row["parent"].value)
    roots = []
    for iri, node in nodes.items():
        candidates = [p for p in parents.get(iri, []) if p in nodes and p != iri]
        candidates.sort(key=lambda p: (KIND_ORDER.get(nodes[p].kind, 9), _sort_key(nodes[p].notation)))
        if candidates and not _is_ancestor(node, nodes[candidates[0]], nodes, parents):
            nodes[candidates[0]].children.append(node)
        else:
            roots.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (KIND_ORDER.get(n.kind, 9), _sort_key(n.notation), n.label))
    roots.sort(key=lambda n: (KIND_ORDER.get(n.kind, 9), _sort_key(n.notation), n.label))
    return roots


def _is_ancestor(node: Node, candidate: Node, nodes: dict, parents: dict) -> bool:
    # Guards against cycles in the data: never hang a node under its own descendant.
    seen, stack = set(), [n for n in node.children]
    while stack:
        current = stack.pop()
        if current is candidate:
            return True
        if current.iri not in seen:
            seen.add(current.iri)
            stack.extend(current.children)
    return False


def _sort_key(notation: str | None):
    if not notation:
        return (1, ())
    return (0, tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.\-]", notation)), notation)


def _text(term) -> str | None:
    return None if term is None else term.value


def tree_svg(roots: list[Node], title: str) -> str:
    leaves = _layout(roots)
    height = max(leaves, 1) * (BOX_H + ROW_GAP) + 40
    depth = max((_max_depth(r) for r in roots), default=0) + 1
    width = depth * (BOX_W + COL_GAP) + 20
    parts = [_svg_open(width, height, title, "Boom van doelen, actielijnen en acties")]
    for root in roots:
        _draw(root, parts)
    if not roots:
        parts.append('<text x="10" y="30">Geen doelen, actielijnen of acties.</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _layout(roots: list[Node]) -> int:
    counter = [0]

    def place(node: Node, depth: int):
        node.depth = depth
        if not node.children:
            node.y = 20 + counter[0] * (BOX_H + ROW_GAP)
            counter[0] += 1
            return
        for child in node.children:
            place(child, depth + 1)
        node.y = (node.children[0].y + node.children[-1].y) / 2

    for root in roots:
        place(root, 0)
    return counter[0]


def _max_depth(node: Node) -> int:
    return node.depth if not node.children else max(_max_depth(c) for c in node.children)


def _draw(node: Node, parts: list[str]) -> None:
    x = 10 + node.depth * (BOX_W + COL_GAP)
    for child in node.children:
        cx = 10 + child.depth * (BOX_W + COL_GAP)
        parts.append(f'<path d="M{x + BOX_W},{node.y + BOX_H / 2} C{x + BOX_W + COL_GAP / 2},{node.y + BOX_H / 2} '
                     f'{cx - COL_GAP / 2},{child.y + BOX_H / 2} {cx},{child.y + BOX_H / 2}" class="edge" fill="none" stroke="#999" stroke-width="1.5"/>')
    colour = KIND_COLOURS.get(node.kind, "#444")
    label = (f"{node.notation} " if node.notation else "") + node.label
    lines = _wrap(label, 38, 2)
    parts.append(f'<a href="{escape(node.href)}"><g class="node node-{escape(node.kind)}">'
                 f'<title>{escape(node.kind)}: {escape(label)}</title>'
                 f'<rect x="{x}" y="{node.y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#fff" '
                 f'stroke="{colour}" stroke-width="2"/>')
    for i, line in enumerate(lines):
        parts.append(f'<text x="{x + 8}" y="{node.y + 18 + i * 16}" fill="{colour}">{escape(line)}</text>')
    parts.append("</g></a>")
    for child in node.children:
        _draw(child, parts)


def _wrap(text: str, width: int, max_lines: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if len(current) + len(word) + 1 > width and current:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


def _svg_open(width: float, height: float, title: str, desc: str) -> str:
    # Styling is in presentation attributes, not a <style> element: the Content-Security-Policy
    # allows no inline styles. The hover highlight is in static/style.css (for inline diagrams).
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-family="sans-serif" font-size="13"><title>{escape(title)}</title><desc>{escape(desc)}</desc>')


# -- timeline ----------------------------------------------------------------------------

@dataclass
class Milestone:
    href: str
    label: str
    notation: str | None
    when: dt.date
    raw: str
    status: str | None
    kind: str  # "deadline" or "start"


def period_end(text: str) -> dt.date | None:
    """The last day of an xsd:date, xsd:gYearMonth or xsd:gYear: a deadline means 'by then'."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = map(int, text.split("-"))
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 12, 31)
    except ValueError:
        return None
    return None


def period_start(text: str) -> dt.date | None:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = map(int, text.split("-"))
            return dt.date(year, month, 1)
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 1, 1)
    except ValueError:
        return None
    return None


def milestones(rows: list[dict], href) -> list[Milestone]:
    out = []
    for row in rows:
        common = dict(href=href(row["action"].value), label=_text(row["label"]) or row["action"].value,
                      notation=_text(row["notation"]), status=_text(row["statusLabel"]))
        if row["deadline"] is not None and (when := period_end(row["deadline"].value)):
            out.append(Milestone(when=when, raw=row["deadline"].value, kind="deadline", **common))
        elif row["startDate"] is not None and (when := period_start(row["startDate"].value)):
            out.append(Milestone(when=when, raw=row["startDate"].value, kind="start", **common))
    out.sort(key=lambda m: (m.when, _sort_key(m.notation)))
    return out


def timeline_svg(items: list[Milestone], title: str) -> str:
    label_w, axis_w, row_h = 380, 520, 22
    height = 60 + max(len(items), 1) * row_h
    width = label_w + axis_w + 40
    parts = [_svg_open(width, height, title, "Tijdlijn van de deadlines van acties")]
    if not items:
        parts.append('<text x="10" y="30">Geen acties met een deadline of startdatum.</text></svg>')
        return "\n".join(parts)
    first, last = dt.date(items[0].when.year, 1, 1), dt.date(items[-1].when.year + 1, 1, 1)
    span = (last - first).days or 1

    def x_of(day: dt.date) -> float:
        return label_w + (day - first).days / span * axis_w

    axis_y = 30
    parts.append(f'<line class="axis" stroke="#555" x1="{label_w}" y1="{axis_y}" x2="{label_w + axis_w}" y2="{axis_y}"/>')
    for year in range(first.year, last.year + 1):
        x = x_of(dt.date(year, 1, 1))
        parts.append(f'<line x1="{x:.1f}" y1="{axis_y - 5}" x2="{x:.1f}" y2="{height - 5}" stroke="#ddd"/>'
                     f'<text x="{x + 3:.1f}" y="{axis_y - 8}" fill="#333">{year}</text>')
    for i, m in enumerate(items):
        y = 50 + i * row_h
        x = x_of(m.when)
        name = (f"{m.notation} " if m.notation else "") + m.label
        what = "gereed" if m.kind == "deadline" else "start"
        tip = f"{name} — {what} {m.raw}" + (f" ({m.status})" if m.status else "")
        shape = (f'<circle cx="{x:.1f}" cy="{y - 4}" r="6" fill="#6a1b9a"/>' if m.kind == "deadline" else
                 f'<rect x="{x - 5:.1f}" y="{y - 9}" width="10" height="10" fill="#0d47a1"/>')
        parts.append(f'<a href="{escape(m.href)}"><g><title>{escape(tip)}</title>'
                     f'<text x="5" y="{y}">{escape(_wrap(name, 55, 1)[0])}</text>'
                     f'<line x1="{label_w}" y1="{y - 4}" x2="{x:.1f}" y2="{y - 4}" stroke="#eee"/>{shape}'
                     f'<text x="{x + 9:.1f}" y="{y}" fill="#555" font-size="11">{escape(m.raw)}</text></g></a>')
    parts.append("</svg>")
    return "\n".join(parts)
