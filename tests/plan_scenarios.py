"""Named plan scenarios shared by the diff and renderer tests: a live project and an edited ontology."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ango_ontology.diff import make_plan
from ango_ontology.identity import resolve
from ango_ontology.model import Classification, Ontology, Option, Relation, Tool, TreeOption
from ango_ontology.plan import Plan, SourceFile
from ango_ontology.wire import to_category_schema

JSON = dict[str, Any]


def vehicles() -> Ontology:
    """The live project as it was last applied."""
    kind = Classification(type="radio", title="Kind", options=["Car", "Truck", "Bus"], classifications=[
        Classification(type="text", title="Plate", when="Car"),
    ])
    return Ontology(
        tools=[
            Tool(type="bounding-box", title="Vehicle", classifications=[
                kind, Classification(type="checkbox", title="Occluded", options=["Partly", "Fully"])]),
            Tool(type="point", title="Sign", shortcut_key="2"),
            Tool(type="polygon", title="Lane"),
        ],
        classifications=[
            Classification(type="tree-dropdown", title="Scene", tree_options=[
                TreeOption(title="Road", children=["Urban", "Rural"]), "Sky"]),
            Classification(type="text", title="Comment"),
        ],
        relations=[Relation(type="one-to-one", title="Follows")],
    )


def applied(ontology: Ontology) -> JSON:
    """The categorySchema a hub would hold after applying `ontology` to an empty project."""
    return to_category_schema(resolve(ontology))


def live_id(schema: JSON, *titles: str) -> str:
    """The schemaId of the node at a path of titles in a categorySchema (options: by value)."""
    nodes: list[JSON] = schema["tools"] + schema["classifications"] + schema["relations"]
    node: JSON = {}
    for title in titles:
        node = next(n for n in nodes if n.get("title", n.get("value")) == title)
        nodes = node.get("classifications", []) + node.get("options", []) + node.get("treeOptions", []) \
            + node.get("children", [])
    return str(node.get("schemaId") or node.get("key"))


def no_changes() -> tuple[Ontology, JSON | None]:
    return vehicles(), applied(vehicles())


def create_each_kind() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools.append(Tool(type="point", title="Pedestrian", classifications=[
        Classification(type="radio", title="Pose", options=["Standing", "Walking"])]))
    desired.tools[0].classifications[0].options.append(Option(value="Van"))
    desired.classifications[0].tree_options.append(TreeOption(title="Water"))
    desired.relations.append(Relation(type="group", title="Same object"))
    desired.classifications.append(Classification(type="boolean", title="Night", required=True))
    return desired, applied(vehicles())


def delete_option() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools[0].classifications[0].options.pop()
    return desired, applied(vehicles())


def delete_tool() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools.pop(2)
    return desired, applied(vehicles())


def rename_with_id() -> tuple[Ontology, JSON | None]:
    live = applied(vehicles())
    desired = vehicles()
    desired.tools[0].title, desired.tools[0].id = "Car", live_id(live, "Vehicle")
    option = desired.tools[0].classifications[0].options[1]
    option.value, option.id = "Lorry", live_id(live, "Vehicle", "Kind", "Truck")
    return desired, live


def rename_without_id() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools[0].title = "Vehicles"
    return desired, applied(vehicles())


def rename_with_renamed_from() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools[0].title, desired.tools[0].renamed_from = "Car", "Vehicle"
    tree = desired.classifications[0].tree_options[0].children[1]
    tree.title, tree.renamed_from = "Countryside", "Rural"
    return desired, applied(vehicles())


def update_attributes() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools[0].classifications[0].required = True
    desired.tools[1].color, desired.tools[1].shortcut_key = "#112233", "3"
    desired.classifications[1].extra = {"maxLength": 200}
    return desired, applied(vehicles())


def replace_type() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools[2].type = "polyline"
    return desired, applied(vehicles())


def move_nodes() -> tuple[Ontology, JSON | None]:
    live = applied(vehicles())
    desired = vehicles()
    plate = desired.tools[0].classifications[0].classifications.pop()
    plate.id, plate.when = live_id(live, "Vehicle", "Kind", "Plate"), None
    desired.tools[1].classifications.append(plate)
    desired.tools[0].classifications[1].classifications.append(
        Classification(type="text", title="Note", id=live_id(live, "Comment"), when="Partly"))
    desired.classifications.pop()
    return desired, live


def move_when() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools[0].classifications[0].classifications[0].when = "Truck"
    return desired, applied(vehicles())


def reorder() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools.reverse()
    desired.tools[2].classifications[0].options.reverse()
    return desired, applied(vehicles())


def protected_replace() -> tuple[Ontology, JSON | None]:
    desired = vehicles()
    desired.tools[2].type, desired.tools[2].protect = "polyline", True
    desired.tools[0].protect = True
    desired.tools[0].classifications[1].options.pop()
    return desired, applied(vehicles())


def new_project() -> tuple[Ontology, JSON | None]:
    return Ontology(tools=[Tool(type="bounding-box", title="Vehicle", classifications=[
        Classification(type="radio", title="Kind", options=["Car", "Truck"])])]), None


def drift_in_web_ui() -> tuple[Ontology, JSON | None]:
    """Someone edited the project in the web UI: a new option, a deleted tool, a new title."""
    live = applied(vehicles())
    live["tools"][0]["classifications"][0]["options"].append({"value": "Tram", "schemaId": "64f0a1b2c3d4e5f6a7b8c9d"})
    live["tools"].pop(1)
    live["classifications"][1]["title"] = "Remarks"
    return vehicles(), live


def brands(count: int) -> Ontology:
    return Ontology(classifications=[Classification(type="radio", title="Brand", options=[
        f"Brand {number}" for number in range(1, count + 1)])])


def one_of_200_moved() -> tuple[Ontology, JSON | None]:
    """Brand 151 moved to sixth place in a list of 200: one move, not the whole list."""
    desired = brands(200)
    options = desired.classifications[0].options
    options.insert(5, options.pop(150))
    return desired, applied(brands(200))


def many_similar() -> tuple[Ontology, JSON | None]:
    """Twelve options added and eight deleted under one question: each run grouped under its count."""
    desired = brands(20)
    options = desired.classifications[0].options
    del options[4:12]
    options.extend(Option(value=f"Label {number}") for number in range(1, 13))
    return desired, applied(brands(20))


def hostile_titles() -> tuple[Ontology, JSON | None]:
    """Titles that are markup, table syntax and Markdown, created: every renderer must show them as text."""
    desired = vehicles()
    desired.tools.append(Tool(type="point", title="<script>alert(1)</script> | `x` & <b>", classifications=[
        Classification(type="radio", title="\"><img src=x onerror=alert(1)>", options=["</details>", "a|b"])]))
    return desired, applied(vehicles())


def everything() -> tuple[Ontology, JSON | None]:
    """One of each change, for the renderers."""
    live = applied(vehicles())
    desired, _ = create_each_kind()
    desired.tools[0].classifications[0].options.pop(2)
    desired.tools[0].classifications[0].options[1].value = "Lorry"
    desired.tools[0].classifications[0].options[1].id = live_id(live, "Vehicle", "Kind", "Truck")
    desired.tools[0].classifications[1].required = True
    desired.tools[0].classifications[0].classifications[0].when = "Lorry"
    desired.tools[1].title = "Signs"
    desired.tools[2].type = "polyline"
    desired.classifications.reverse()
    return desired, live


SCENARIOS: dict[str, Callable[[], tuple[Ontology, JSON | None]]] = {
    fn.__name__: fn for fn in (no_changes, create_each_kind, delete_option, delete_tool, rename_with_id,
                               rename_without_id, rename_with_renamed_from, update_attributes, replace_type,
                               move_nodes, move_when, reorder, protected_replace, new_project, drift_in_web_ui,
                               everything, one_of_200_moved, many_similar, hostile_titles)
}


def plan_for(name: str) -> Plan:
    desired, live = SCENARIOS[name]()
    return make_plan(desired, live, project="6651f0c2a9d3e4b5c6d7e8f9" if live is not None else None,
                     project_name="Vehicles", hub="local:hub.db",
                     source=SourceFile("ontology.yaml", "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", False))
