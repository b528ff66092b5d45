"""What every import must do, checked through the command line against a real local hub.

The imported file is already in fmt's layout; `plan` against an empty project creates exactly its
top-level nodes; once applied, the next plan is "No changes".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ango_ontology.cli import main
from ango_ontology.hub.local import LocalHub
from ango_ontology.loader import load


def import_and_apply(source: str, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                     *extra: str) -> Path:
    """Import `config` with the CLI, then check the file round-trips, plans as imported and applies clean."""
    out = tmp_path / "imported.yaml"
    assert main(["import", "--from", source, str(config), "-o", str(out), *extra]) == 0
    capsys.readouterr()
    assert main(["fmt", "--check", str(out)]) == 0, "the imported file is not in fmt's layout"
    hub_path = tmp_path / "hub.db"
    store = LocalHub(hub_path)
    project = store.create_project("Imported", "")["_id"]
    store.close()
    hub = ["--hub", f"local:{hub_path}", "--project", project]
    assert main(["plan", str(out), *hub, "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    ontology = load(out)
    assert {change["action"] for change in plan["changes"]} == {"create"}
    created = sorted((change["kind"], change["path"][-1]) for change in plan["changes"])
    assert created == sorted((node.kind, node.title) for node in ontology.nodes())
    nested = sum(len(change["after"].get("classifications", [])) for change in plan["changes"])
    assert nested == sum(len(node.classifications) for node in ontology.nodes())
    assert main(["apply", str(out), *hub, "--auto-approve", "--backup-dir", str(tmp_path / "backups")]) == 0
    capsys.readouterr()
    assert main(["plan", str(out), *hub, "--detailed-exitcode"]) == 0
    assert "No changes." in capsys.readouterr().out
    return out
