"""The shape of the package: one table per fact, imports that follow the data flow."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ango_ontology
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub
from ango_ontology.model import Classification, Node, Option, Tool, TreeOption, attributes, wire_keys

PACKAGE = Path(ango_ontology.__file__).parent
NEW_LINE = '    new_flag: Annotated[bool, Wire("newFlag")] = False\n'
ANCHOR = '    column_field: Annotated[bool, Wire("columnField")] = False\n'


def run(*argv: str, cwd: Path, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(path)} if path else dict(os.environ)
    env.pop("ANGO_HUB", None)
    return subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def package_with_new_attribute(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with one line added to the attribute table, and nothing else."""
    root = tmp_path_factory.mktemp("pkg")
    shutil.copytree(PACKAGE, root / "ango_ontology", ignore=shutil.ignore_patterns("__pycache__"))
    model = root / "ango_ontology" / "model.py"
    text = model.read_text()
    assert text.count(ANCHOR) == 1
    model.write_text(text.replace(ANCHOR, ANCHOR + NEW_LINE))
    return root


def test_a_new_ango_attribute_is_one_line_in_the_table(package_with_new_attribute: Path, tmp_path: Path) -> None:
    pkg = package_with_new_attribute
    cli = ("-m", "ango_ontology.cli")
    where = run("-c", "import ango_ontology; print(ango_ontology.__file__)", cwd=tmp_path, path=pkg)
    assert where.stdout.strip() == str(pkg / "ango_ontology" / "__init__.py")
    hub = f"local:{tmp_path / 'hub.db'}"
    source = tmp_path / "o.yaml"
    source.write_text("project: {name: New attribute}\ntools:\n  - point: Pin\n    new_flag: true\n")
    # parsed (and validated)
    assert run(*cli, "validate", str(source), cwd=tmp_path, path=pkg).returncode == 0
    # written
    applied = run(*cli, "apply", str(source), "--hub", hub, "--auto-approve", cwd=tmp_path, path=pkg)
    assert applied.returncode == 0, applied.stderr
    store = LocalHub(tmp_path / "hub.db")
    (project,) = store.list_projects()
    (tool,) = store.get_project(project["_id"])["categorySchema"]["tools"]
    assert tool["newFlag"] is True and "extra" not in tool
    # diffed
    source.write_text(f"project: {project['_id']}\ntools:\n  - point: Pin\n")
    planned = run(*cli, "plan", str(source), "--hub", hub, "--format", "json", cwd=tmp_path, path=pkg)
    (change,) = json.loads(planned.stdout)["changes"]
    assert (change["action"], change["before"], change["after"]) == ("update", {"new_flag": True}, {"new_flag": False})
    # pulled, in the file's order of attributes
    pulled = run(*cli, "pull", project["_id"], "--hub", hub, cwd=tmp_path, path=pkg)
    assert "    new_flag: true\n" in pulled.stdout
    store.close()


def test_the_table_lists_every_plain_attribute_with_its_wire_key() -> None:
    tool = {a.name: a.wire for a in attributes(Tool)}
    assert tool == {"required": "required", "color": "color", "shortcut_key": "shortcutKey",
                    "column_field": "columnField"}
    question = {a.name: a.wire for a in attributes(Classification)}
    assert question["rich_text"] == "richText" and question["default_value"] == "defaultValue"
    assert set(question) - set(tool) == {"regex", "rich_text", "frame_specific", "show_dropdown", "multiple",
                                         "export_name", "display_name", "abbreviated_name", "attribute_type",
                                         "default_value"}
    assert wire_keys(TreeOption) == {"title": "title", "key": "id", "value": "value", "children": "children"}
    assert wire_keys(Option) == {"value": "value", "schemaId": "id"}


def test_walk_visits_every_item_once_in_file_order() -> None:
    node = Classification(type="tree-dropdown", title="T", tree_options=[{"A": ["B"]}, "C"],
                          classifications=[Classification(type="radio", title="Q", options=["x"])])
    kinds = [(item.kind, getattr(item, "title", getattr(item, "value", None))) for item in node.walk()]
    assert kinds == [("classification", "T"), ("tree-option", "A"), ("tree-option", "B"), ("tree-option", "C"),
                     ("classification", "Q"), ("option", "x")]
    assert isinstance(node, Node)


BLOCKED = """
import importlib.abc, sys
BLOCKED = {"sqlite3", "_sqlite3", "http.server", "ango_ontology.hub.local", "ango_ontology.hub.emulator",
           "ango_ontology.hub.routes", "ango_ontology.hub.tasks", "ango_ontology.hub.exports"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED:
            raise ImportError(f"{name} is blocked")
        return None
sys.meta_path.insert(0, Block())
from ango_ontology.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_https_path_loads_neither_sqlite_nor_the_emulator(tmp_path: Path, local_hub: LocalHub) -> None:
    project = local_hub.create_project("Blocked imports")["_id"]
    source = tmp_path / "o.yaml"
    source.write_text(f"project: {project}\ntools:\n  - point: Pin\n")
    with Emulator(local_hub) as emulator:
        for argv in (["plan", str(source)], ["apply", str(source), "--auto-approve",
                                             "--backup-dir", str(tmp_path / "b")], ["pull", project]):
            done = run("-c", BLOCKED, *argv, "--hub", emulator.url, cwd=tmp_path)
            assert done.returncode == 0, done.stderr
    assert local_hub.get_project(project)["categorySchema"]["tools"][0]["title"] == "Pin"


def test_the_blocker_itself_blocks(tmp_path: Path) -> None:
    done = run("-c", BLOCKED, "--debug", "hub", "serve", "--port", "0", "--db", str(tmp_path / "x.db"), cwd=tmp_path)
    assert done.returncode != 0 and "is blocked" in done.stderr + done.stdout
