"""The data-flow map: which bounded contexts hold each data category (from the data
inventory) and to which recipients and operators it flows (from the processing register),
with the flows that leave Namibia marked (POPIA s72).

Nodes are `category:<name>`, `context:<name>` and `recipient:<name>`; edges go category ->
context ("held by") and context -> recipient ("disclosed to", per activity). A
context -> recipient edge carries the categories and activities behind it, and is
cross-border when an activity's transfer names that recipient.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from elcorp.compliance.domain.data_inventory import InventoryCategory
from elcorp.compliance.domain.privacy_register import ActivityStatus, ProcessingActivity


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
    held_in: dict[str, tuple[str, ...]] = {}
    for item in categories:
        nodes[category_node(item.category)] = FlowNode(
            category_node(item.category), "category", item.category
        )
        held_in[item.category] = item.contexts
        for context in item.contexts:
            nodes.setdefault(context_node(context), FlowNode(context_node(context), "context", context))
            edge = edges.setdefault(
                (category_node(item.category), context_node(context)),
                FlowEdge(category_node(item.category), context_node(context), "held_by"),
            )
            edge.categories = [item.category]
    for activity in activities:
        facts = activity.facts
        if facts.status is ActivityStatus.RETIRED:
            continue
        abroad = {t.recipient.casefold(): t for t in facts.transfers}
        for recipient in facts.recipients:
            node = recipient_node(recipient.name)
            nodes.setdefault(
                node, FlowNode(node, "recipient", recipient.name, recipient.role.value, recipient.country)
            )
            transfer = abroad.get(recipient.name.casefold())
            for category in facts.categories:
                for context in held_in.get(category, ()):
                    edge = edges.setdefault(
                        (context_node(context), node), FlowEdge(context_node(context), node, "disclosed_to")
                    )
                    _add(edge.categories, category)
                    _add(edge.activities, facts.name)
                    if transfer is not None:
                        marker = CrossBorder(
                            transfer.country.upper(), transfer.ground.value, transfer.ground.section
                        )
                        if marker not in edge.cross_border:
                            edge.cross_border.append(marker)
    for edge in edges.values():
        edge.categories.sort()
        edge.activities.sort()
    ordered_nodes = sorted(
        nodes.values(), key=lambda n: (("category", "context", "recipient").index(n.kind), n.label)
    )
    ordered_edges = sorted(edges.values(), key=lambda e: (e.kind != "held_by", e.source, e.target))
    return DataFlowMap(ordered_nodes, ordered_edges)


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
