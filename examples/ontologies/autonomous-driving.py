"""Autonomous driving, as a Python definition: the same label set as autonomous-driving.yaml.

Camera frames from a front-facing vehicle camera. Road users are boxed (with kind, occlusion and
truncation), road surfaces are polygons, lane markings and road edges polylines, traffic lights and
poles points. Frame-level questions record the conditions, and relations link a towing vehicle to
what it tows, group vehicles driving as a platoon and tie a traffic light to the lanes it controls.

Shortcuts: tools 0-9, frame classifications a-e, relations ctrl+1-ctrl+3 (one keyboard).
Python lets the repeated attributes (occlusion, truncation) be written once and reused.
"""

from __future__ import annotations

from ango_ontology import Classification, Ontology, Option, ProjectRef, Relation, Tool

OCCLUSION_LEVELS = ["None (0%)", "Partly (1-50%)", "Mostly (51-90%)", "Almost fully (over 90%)"]
TRUNCATION_LEVELS = ["Not truncated", "Truncated at image border"]


def occlusion(required: bool = False) -> Classification:
    return Classification(type="radio", title="Occlusion", required=required, options=OCCLUSION_LEVELS)


def truncation() -> Classification:
    return Classification(type="radio", title="Truncation", options=TRUNCATION_LEVELS)


vehicle = Tool(
    type="bounding-box",
    title="Vehicle",
    id="adas-vehicle",
    color="#1F77B4",
    shortcut_key="1",
    required=True,
    classifications=[
        Classification(
            type="radio",
            title="Kind",
            required=True,
            options=[
                "Car",
                Option(value="Truck", id="adas-vehicle-kind-truck"),
                "Bus",
                "Motorcycle",
                "Trailer",
                "Emergency vehicle",
            ],
            classifications=[
                Classification(
                    type="checkbox",
                    title="Car state",
                    when="Car",
                    options=[
                        "Door open",
                        "Trunk open",
                        "Brake lights on",
                        "Indicator on",
                        "Hazard lights on",
                    ],
                ),
                Classification(type="text", title="Plate", when="Car", regex="^[A-Z0-9][A-Z0-9 -]{1,9}$"),
                Classification(
                    type="single-dropdown", title="Axles", when="Truck", options=["2", "3", "4", "5 or more"]
                ),
                Classification(
                    type="radio", title="Emergency lights", when="Emergency vehicle", options=["On", "Off"]
                ),
            ],
        ),
        occlusion(required=True),
        truncation(),
        Classification(type="boolean", title="Parked"),
    ],
)

pedestrian = Tool(
    type="bounding-box",
    title="Pedestrian",
    id="adas-pedestrian",
    color="#D62728",
    shortcut_key="2",
    classifications=[
        Classification(type="radio", title="Age group", options=["Adult", "Child"]),
        Classification(
            type="radio", title="Activity", options=["Standing", "Walking", "Running", "Sitting", "Lying"]
        ),
        Classification(
            type="checkbox",
            title="Carrying",
            options=["Stroller", "Umbrella", "Bag", "Wheelchair", "Pushing a bicycle"],
        ),
        occlusion(),
        truncation(),
    ],
)

cyclist = Tool(
    type="bounding-box",
    title="Cyclist",
    color="#FF7F0E",
    shortcut_key="3",
    classifications=[
        Classification(type="radio", title="Vehicle", options=["Bicycle", "E-scooter", "Cargo bike"]),
        Classification(type="boolean", title="Wearing helmet"),
    ],
)

traffic_sign = Tool(
    type="rotated-bounding-box",
    title="Traffic sign",
    shortcut_key="4",
    classifications=[
        Classification(
            type="single-dropdown",
            title="Sign type",
            required=True,
            options=[
                "Stop",
                "Yield",
                "Speed limit",
                "No entry",
                "No overtaking",
                "Pedestrian crossing",
                "Roadworks",
                "Other",
            ],
            classifications=[
                Classification(
                    type="text", title="Speed limit value", when="Speed limit", regex="^[1-9][0-9]{0,2}$"
                ),
                Classification(type="text", title="Description", when="Other"),
            ],
        ),
    ],
)

ontology = Ontology(
    project=ProjectRef(
        name="Driving — staging",
        description="Front-camera frames for the perception team's object and lane models (staging copy).",
    ),
    tools=[
        vehicle,
        pedestrian,
        cyclist,
        traffic_sign,
        Tool(
            type="polygon",
            title="Drivable area",
            color="#2CA02C",
            shortcut_key="5",
            classifications=[
                Classification(
                    type="radio",
                    title="Surface",
                    options=["Asphalt", "Concrete", "Gravel", "Cobblestone", "Dirt"],
                ),
            ],
        ),
        Tool(type="polygon", title="Sidewalk", shortcut_key="6"),
        Tool(
            type="polyline",
            title="Lane marking",
            id="1712654400123",
            color="#FFD700",
            shortcut_key="7",
            required=True,
            classifications=[
                Classification(
                    type="radio",
                    title="Line type",
                    required=True,
                    options=["Solid", "Dashed", "Double solid", "Solid and dashed", "Botts' dots"],
                ),
                Classification(type="radio", title="Colour", options=["White", "Yellow", "Blue"]),
            ],
        ),
        Tool(type="polyline", title="Road edge", shortcut_key="8"),
        Tool(
            type="point",
            title="Traffic light",
            color="#9467BD",
            shortcut_key="9",
            classifications=[
                Classification(
                    type="radio",
                    title="State",
                    required=True,
                    options=["Red", "Amber", "Green", "Red and amber", "Flashing amber", "Off"],
                ),
                Classification(
                    type="radio", title="Facing", options=["Towards ego vehicle", "Away", "Sideways"]
                ),
            ],
        ),
        Tool(type="point", title="Pole", shortcut_key="0"),
    ],
    classifications=[
        Classification(
            type="radio",
            title="Weather",
            required=True,
            shortcut_key="a",
            options=["Clear", "Overcast", "Rain", "Snow", "Fog"],
        ),
        Classification(
            type="radio", title="Time of day", shortcut_key="b", options=["Day", "Dawn or dusk", "Night"]
        ),
        Classification(
            type="checkbox",
            title="Scene",
            shortcut_key="c",
            options=["Urban", "Highway", "Rural", "Parking lot", "Construction zone", "Tunnel"],
        ),
        Classification(type="boolean", title="Camera obstructed", shortcut_key="d"),
        Classification(type="text", title="Annotator notes", shortcut_key="e"),
    ],
    relations=[
        Relation(type="one-to-one", title="Towing", id="adas-towing", shortcut_key="ctrl+1"),
        Relation(type="group", title="Platoon", shortcut_key="ctrl+2"),
        Relation(type="one-to-many", title="Controls lane", color="#8C564B", shortcut_key="ctrl+3"),
    ],
)
