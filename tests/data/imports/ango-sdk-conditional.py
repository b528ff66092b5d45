# A label set built with the official Ango SDK, written from the SDK's create_label_set documentation
# (https://docs.imerit.net/sdk/sdk-documentation#create_label_set-project_id-tools-classifications-relations,
# kept in shared/reference/ango-sdk-documentation.md): ToolCategory, ClassificationCategory, RelationCategory,
# LabelOption with an explicit schemaId used as parentOptionId, TreeOption. It imports `ango` as the
# documentation does and calls create_label_set, which the import records and never sends.
from ango.models.label_category import (
    Classification,
    ClassificationCategory,
    LabelOption,
    Relation,
    RelationCategory,
    Tool,
    ToolCategory,
    TreeOption,
)
from ango.sdk import SDK

ango_sdk = SDK("<YOUR API KEY>")

car = LabelOption("Car", schemaId="kind-car")
kind = ClassificationCategory(
    Classification.Radio,
    title="Kind",
    required=True,
    options=[car, LabelOption("Truck")],
    classifications=[
        ClassificationCategory(Classification.Text, title="Plate", parentOptionId="kind-car", regex="^[A-Z0-9-]+$"),
        ClassificationCategory(Classification.Checkbox, title="Car state", parentOptionId=car.schemaId,
                               options=[LabelOption("Door open"), LabelOption("Lights on")]),
    ],
)
tools = [
    ToolCategory(Tool.BoundingBox, title="Vehicle", color="#1F77B4", shortcutKey="1", classifications=[kind]),
    ToolCategory(Tool.Segmentation, title="Road"),
]
classifications = [
    ClassificationCategory(
        Classification.Tree_dropdown,
        title="Scene",
        treeOptions=[TreeOption(title="Urban", children=[TreeOption(title="Street"), TreeOption(title="Square")]),
                     TreeOption(title="Rural")],
    ),
    ClassificationCategory(Classification.Single_dropdown, title="Weather",
                           options=[LabelOption("Clear"), LabelOption("Rain")], shortcutKey="a"),
]
relations = [RelationCategory(Relation.Single, title="Follows")]

ango_sdk.create_label_set(project_id="<YOUR PROJECT ID>", tools=tools, classifications=classifications,
                          relations=relations)
