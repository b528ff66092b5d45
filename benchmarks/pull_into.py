"""Time `pull --into` against a plain `pull` on a large tree with one leaf added in the web UI.

    python benchmarks/pull_into.py                 # 20,000 tree nodes, 5 runs each; writes PULL-INTO-RESULTS.md
    python benchmarks/pull_into.py --nodes 100000 --repeat 3

The file is the compact tree shorthand (bare titles, `Title:` branches), block style. The "web UI" edit
is a new leaf written into the project's categorySchema through the local hub, as Ango's editor would
store it (a random-looking key). Each command runs as its own subprocess, exactly as a user runs it; the
script also checks that `git diff --numstat` of the merged file is one added line.

Not a test: CI does not run it. The target (issue 15): `pull --into` within 2x the time of `pull`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "PULL-INTO-RESULTS.md"
CLI = [sys.executable, "-m", "ango_ontology.cli"]


def tree_text(project: str, nodes: int) -> str:
    """A tree-dropdown of about `nodes` nodes: 5 branches of 20 sub-branches of leaves."""
    leaves = max(1, nodes // 100 - 1)
    lines = [f"project: {project}", "classifications:", "  # an ICD-like tree", "  - tree-dropdown: Diagnosis",
             "    tree:"]
    for branch in range(5):
        lines.append(f"      - Branch {branch}:")
        for sub in range(20):
            lines.append(f"          - Sub {branch}.{sub}:")
            lines += [f"              - Leaf {branch}.{sub}.{leaf}" for leaf in range(leaves)]
    return "\n".join(lines) + "\n"


def prepare(folder: Path, nodes: int) -> tuple[str, str, Path]:
    """A local hub holding the file's label set plus one leaf added in the "web UI"; (hub, project, file)."""
    from ango_ontology.hub.local import LocalHub
    from ango_ontology.identity import resolve
    from ango_ontology.loader import load_text
    from ango_ontology.wire import to_category_schema

    hub = LocalHub(folder / "hub.db")
    project = str(hub.create_project("Diagnoses", "")["_id"])
    text = tree_text(project, nodes)
    schema = to_category_schema(resolve(load_text(text)))
    leaf = {"title": "Added in the web UI", "key": "7f3e2a1b9c", "value": "7f3e2a1b9c", "children": []}
    schema["classifications"][0]["treeOptions"][2]["children"][3]["children"].insert(7, leaf)
    hub.create_label_set(project, schema)
    hub.close()
    path = folder / "labels.yaml"
    path.write_text(text)
    return f"local:{folder / 'hub.db'}", project, path


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(CLI + argv, check=True, capture_output=True)
    return time.perf_counter() - start


def git_numstat(folder: Path, original: str, merged: Path) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}
    run = lambda *argv: subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@example.com", *argv],  # noqa: E731
                                       cwd=folder, check=True, capture_output=True, text=True, env=env).stdout
    repo = folder / "repo"
    repo.mkdir()
    (repo / "labels.yaml").write_text(original)
    run("-C", str(repo), "init", "-q")
    run("-C", str(repo), "add", "labels.yaml")
    run("-C", str(repo), "commit", "-qm", "base")
    (repo / "labels.yaml").write_text(merged.read_text())
    return run("-C", str(repo), "diff", "--numstat").strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print the results only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ango-pull-into-") as scratch:
        folder = Path(scratch)
        hub, project, path = prepare(folder, args.nodes)
        original = path.read_text()
        pulls, merges = [], []
        for _ in range(args.repeat):
            pulls.append(timed(["pull", project, "--hub", hub, "-o", str(folder / "pulled.yaml")]))
            path.write_text(original)
            merges.append(timed(["pull", project, "--hub", hub, "--into", str(path)]))
        numstat = git_numstat(folder, original, path)
    result = {"nodes": args.nodes, "lines": len(original.splitlines()), "pull": statistics.median(pulls),
              "pull_into": statistics.median(merges), "numstat": numstat}
    result["ratio"] = result["pull_into"] / result["pull"]
    print(json.dumps(result, indent=2))
    if not args.no_write:
        write(result, args.repeat)
    return 0 if result["ratio"] <= 2 and numstat.split()[:2] == ["1", "0"] else 1


def write(result: dict[str, object], repeat: int) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    RESULTS.write_text(
        "# pull --into on a large tree (benchmarks/pull_into.py)\n\n"
        f"{stamp}, Python {platform.python_version()}, {os.cpu_count()} cores; median of {repeat} runs, "
        "each command a fresh subprocess (imports included).\n\n"
        "| tree nodes | file lines | `pull -o` | `pull --into` | ratio | `git diff --numstat` |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        f"| {result['nodes']:,} | {result['lines']:,} | {result['pull']:.2f} s | {result['pull_into']:.2f} s | "
        f"{result['ratio']:.2f}x | `{result['numstat']}` |\n\n"
        "One leaf added through the local hub (as the web UI would) gives a one-line diff: one added line.\n")


if __name__ == "__main__":
    raise SystemExit(main())
