"""The data-flow map: which bounded contexts hold each data category (from the data
inventory) and to which recipients and operators it flows (from the processing register),
with the flows that leave Namibia marked (POPIA s72).

Nodes are `category:<name>`, `context:<name>` and `recipient:<name>`; edges go category ->
context ("held by") and context -> recipient ("disclosed to", per activity). A
context -> recipient edge carries the categories and activities behind it, and is
cross-border when an activity's transfer names that recipient.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from elcorp.compliance.privacy.domain.data_inventory import InventoryCategory
from elcorp.compliance.privacy.domain.privacy_register import ActivityStatus, ProcessingActivity


@dataclass(frozen=True, slots=True)
class FlowNode:
    id: str
    kind: str  # category | context | recipient
    label: str
    role: str | None = None  # recipients: operator | third_party | regulator
    country: str | None = None  # recipients: where they are


@dataclass(frozen=True, slots=True)
class CrossBorder:
    country: str
    ground: str  # a TransferGround value
    section: str  # e.g. s72(1)(a)


@dataclass(slots=True)
class FlowEdge:
    source: str
    target: str
    kind: str  # held_by | disclosed_to
    categories: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    cross_border: list[CrossBorder] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DataFlowMap:
    nodes: list[FlowNode]
    edges: list[FlowEdge]


def category_node(name: str) -> str:
    return f"category:{name}"


def context_node(name: str) -> str:
    return f"context:{name}"


def recipient_node(name: str) -> str:
    return f"recipient:{name}"


def data_flows(
    categories: Sequence[InventoryCategory], activities: Iterable[ProcessingActivity]
) -> DataFlowMap:
    """The map of the inventory and the register's activities that are not retired."""
    nodes: dict[str, FlowNode] = {}
    edges: dict[tuple[str, str], FlowEdge] = {}
    _add_holdings(categories, nodes, edges)
    held_in = {item.category: item.contexts for item in categories}
    for activity in activities:
        if activity.facts.status is not ActivityStatus.RETIRED:
            _add_disclosures(activity, held_in, nodes, edges)
    for edge in edges.values():
        edge.categories.sort()
        edge.activities.sort()
    ordered_nodes = sorted(
        nodes.values(), key=lambda n: (("category", "context", "recipient").index(n.kind), n.label)
    )
    ordered_edges = sorted(edges.values(), key=lambda e: (e.kind != "held_by", e.source, e.target))
    return DataFlowMap(ordered_nodes, ordered_edges)


def _add_holdings(
    categories: Sequence[InventoryCategory],
    nodes: dict[str, FlowNode],
    edges: dict[tuple[str, str], FlowEdge],
) -> None:
    """category -> context: each context that holds the category (from the inventory)."""
    for item in categories:
        source = category_node(item.category)
        nodes[source] = FlowNode(source, "category", item.category)
        for context in item.contexts:
            target = context_node(context)
            nodes.setdefault(target, FlowNode(target, "context", context))
            edge = edges.setdefault((source, target), FlowEdge(source, target, "held_by"))
            edge.categories = [item.category]


def _add_disclosures(
    activity: ProcessingActivity,
    held_in: Mapping[str, tuple[str, ...]],
    nodes: dict[str, FlowNode],
    edges: dict[tuple[str, str], FlowEdge],
) -> None:
    """context -> recipient: each context holding a category the activity supplies to the
    recipient, marked cross-border when the activity transfers to that recipient."""
    facts = activity.facts
    abroad = {t.recipient.casefold(): t for t in facts.transfers}
    for recipient in facts.recipients:
        node = recipient_node(recipient.name)
        nodes.setdefault(
            node, FlowNode(node, "recipient", recipient.name, recipient.role.value, recipient.country)
        )
        transfer = abroad.get(recipient.name.casefold())
        marker = (
            None
            if transfer is None
            else CrossBorder(transfer.country.upper(), transfer.ground.value, transfer.ground.section)
        )
        for category in facts.categories:
            for context in held_in.get(category, ()):
                edge = edges.setdefault(
                    (context_node(context), node), FlowEdge(context_node(context), node, "disclosed_to")
                )
                _add(edge.categories, category)
                _add(edge.activities, facts.name)
                if marker is not None and marker not in edge.cross_border:
                    edge.cross_border.append(marker)


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
