"""Measure counting annotation usage of a 10,000-task project over the emulator, within the rate limit.

Run: `.venv/bin/python benchmarks/usage.py [--tasks 10000]`; writes benchmarks/USAGE-RESULTS.md.
Not a test: CI does not run it.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from ango_ontology.diff import make_plan
from ango_ontology.hub.client import HttpHub
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub
from ango_ontology.loader import load_text
from ango_ontology.runs import plan_one

KEY = "ak-benchmark-0000000000000000"
ONTOLOGY = """tools:
  - bounding-box: Vehicle
    classifications:
      - radio: Kind
        options: [Sedan, Van, Bus, Truck]
classifications:
  - checkbox: Weather
    options: [Rain, Fog, Snow]
"""


def _seed(store: LocalHub, tasks: int) -> str:
    project = store.create_project("Usage benchmark", "")["_id"]
    ontology = load_text(ONTOLOGY)
    store.create_label_set(project, make_plan(ontology, None).desired_schema)
    store.upload_files_cloud(project, [{"data": f"https://example.invalid/{i}.jpg", "externalId": f"a{i}"}
                                       for i in range(tasks)])
    kinds = ["Sedan", "Van", "Bus", "Truck"]
    labels = [{"externalId": f"a{i}", "objects": [
        {"title": "Vehicle", "bounding-box": {"x": 0, "y": 0, "width": 1, "height": 1},
         "classifications": [{"title": "Kind", "answer": kinds[(i + j) % 4]}]} for j in range(3)],
        "classifications": [{"title": "Weather", "answer": ["Rain"] if i % 2 else ["Fog", "Snow"]}],
        "stage": ["Label", "Review", "Complete"][i % 3]} for i in range(tasks)]
    store.import_labels(project, labels)
    return project


def measure(tasks: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        store = LocalHub(Path(folder) / "hub.db")
        project = _seed(store, tasks)
        with Emulator(store, port=0, api_key=KEY) as emulator:
            # The client's default budget: Ango's 100 requests a minute.
            hub = HttpHub(emulator.url, KEY)
            desired = load_text(ONTOLOGY.replace("Sedan, ", "") + f"project: {project}\n")
            before = len(emulator.requests)
            started = time.perf_counter()
            run = plan_one(hub, desired, desired.targets()[0], check_usage=True)
            elapsed = time.perf_counter() - started
            requests = len(emulator.requests) - before
            hub.close()
        store.close()
    assert run.plan is not None, run.error
    (change,) = run.plan.destructive_changes()
    assert change.impact is not None
    return {"seconds": elapsed, "requests": requests, "annotations": change.impact.annotations,
            "tasks": change.impact.tasks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    result = measure(args.tasks)
    text = (f"# Counting annotation usage\n\n{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
            f"{platform.platform()}, {platform.python_version()}\n\n"
            f"`plan --check-usage` of a project with {args.tasks:,} tasks (3 boxes, 3 nested answers and a "
            f"checkbox answer each, spread over three stages), deleting option Sedan, over the emulator on "
            f"loopback with the client's default rate limit (100 requests a minute):\n\n"
            f"| wall time | requests | annotations counted | tasks |\n| --- | --- | --- | --- |\n"
            f"| {result['seconds']:.2f} s | {result['requests']:.0f} | {result['annotations']:,.0f} | "
            f"{result['tasks']:,.0f} |\n\nTarget: under a minute, within the rate limit (at most 100 requests).\n")
    (Path(__file__).parent / "USAGE-RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
