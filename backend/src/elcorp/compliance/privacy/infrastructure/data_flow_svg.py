"""The data-flow map drawn as an SVG diagram, in plain Python (no external binaries).

Three columns: data categories, the contexts that hold them, the recipients and operators
they are disclosed to. Cross-border flows are drawn dashed in red and labelled with the
country and the s72 ground. Every text is XML-escaped: names come from the register,
which staff write.
"""

from __future__ import annotations

from html import escape  # & < > " ' as entities: valid in XML text and attributes

from elcorp.compliance.privacy.domain.data_flow import DataFlowMap, FlowEdge, FlowNode

ROW = 28
BOX_HEIGHT = 20
TOP = 60
COLUMNS = {"category": (20, 270), "context": (400, 150), "recipient": (660, 300)}
WIDTH = 980
FILL = {"category": "#e8f0fe", "context": "#e6f4ea", "recipient": "#fef7e0"}
TITLES = {"category": "Data categories", "context": "Held by (contexts)", "recipient": "Disclosed to"}


def _text(
    x: float, y: float, value: str, *, size: int = 11, weight: str = "normal", fill: str = "#202124"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="Helvetica, Arial, sans-serif" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}">{escape(value)}</text>'
    )


def _label(node: FlowNode) -> str:
    if node.kind == "recipient":
        return f"{node.label} ({(node.role or '').replace('_', ' ')}, {node.country})"
    return node.label


class SvgDataFlowDiagrams:
    """`DataFlowDiagrams` as SVG documents."""

    def svg(self, flows: DataFlowMap) -> bytes:
        positions: dict[str, tuple[float, float]] = {}
        counters = dict.fromkeys(COLUMNS, 0)
        boxes: list[str] = []
        for node in flows.nodes:
            x, width = COLUMNS[node.kind]
            y = TOP + counters[node.kind] * ROW
            counters[node.kind] += 1
            positions[node.id] = (x, y)
            boxes.append(
                f"<g><title>{escape(node.id)}</title>"
                f'<rect x="{x}" y="{y}" width="{width}" height="{BOX_HEIGHT}" rx="4" '
                f'fill="{FILL[node.kind]}" stroke="#5f6368" stroke-width="0.8"/>'
                + _text(x + 6, y + 14, _label(node)[:48])
                + "</g>"
            )
        height = TOP + max([*counters.values(), 1]) * ROW + 40
        lines = [self._edge(edge, positions) for edge in flows.edges]
        headings = [
            _text(COLUMNS[kind][0], TOP - 16, title, size=13, weight="bold") for kind, title in TITLES.items()
        ]
        legend = _text(
            20,
            height - 14,
            "Dashed red: a cross-border transfer (POPIA s72), labelled with country and ground",
            size=10,
        )
        body = "\n".join(
            [
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
                f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="title">',
                '<title id="title">Data-flow map: personal information by category, context and '
                "recipient</title>",
                f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
                _text(20, 24, "Data-flow map (POPIA s17, s72)", size=16, weight="bold"),
                *headings,
                *[line for line in lines if line],
                *boxes,
                legend,
                "</svg>",
            ]
        )
        return (body + "\n").encode("utf-8")

    @staticmethod
    def _edge(edge: FlowEdge, positions: dict[str, tuple[float, float]]) -> str:
        if edge.source not in positions or edge.target not in positions:
            return ""
        sx, sy = positions[edge.source]
        source_kind = edge.source.split(":", 1)[0]
        sx += COLUMNS[source_kind][1]
        tx, ty = positions[edge.target]
        sy += BOX_HEIGHT / 2
        ty += BOX_HEIGHT / 2
        mid = (sx + tx) / 2
        abroad = bool(edge.cross_border)
        style = (
            'stroke="#d93025" stroke-width="1.6" stroke-dasharray="6 3"'
            if abroad
            else 'stroke="#9aa0a6" stroke-width="1"'
        )
        tooltip = f"{edge.source} -> {edge.target}"
        if edge.activities:
            tooltip += f" ({', '.join(edge.activities)})"
        parts = [
            f'<g class="{escape("cross-border" if abroad else edge.kind)}"><title>{escape(tooltip)}</title>',
            f'<path d="M{sx:.1f},{sy:.1f} C{mid:.1f},{sy:.1f} {mid:.1f},{ty:.1f} {tx:.1f},{ty:.1f}" '
            f'fill="none" {style}/>',
        ]
        if abroad:
            marker = "; ".join(f"{c.country} {c.section}" for c in edge.cross_border)
            parts.append(_text(mid - 40, (sy + ty) / 2 - 4, marker, size=9, fill="#d93025"))
        parts.append("</g>")
        return "".join(parts)
