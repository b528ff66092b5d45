"""`init [FOLDER]`: scaffold a repository of label sets — ontology/, .gitignore, workflows, pre-commit."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

from .. import api
from ..characters import escape
from ..errors import InputError
from . import options

_SAID = {"create": "created", "append": "updated", "replace": "replaced", "unchanged": "unchanged",
         "keep": "kept"}


def cmd_init(args: argparse.Namespace) -> int:
    """Plan the scaffold, pull the projects asked for, write what is missing; say what happened to each file."""
    from .. import scaffold  # the templates and the editor schema: only init reads them

    root = Path(args.folder)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} is a file; init scaffolds a folder")
    pulled = _pulled(args) if args.pull else {}
    steps = scaffold.plan(root, pulled=pulled, force=args.force)
    scaffold.run(steps)
    for step in steps:
        note = f" ({step.note})" if step.note else ""
        sys.stdout.write(escape(f"{_SAID[step.action]:>9}  {os.path.relpath(step.path)}{note}") + "\n")
    sys.stdout.write("Next: set ANGO_API_KEY and run `ango-ontology plan ontology/`; in GitHub, add the secret "
                     "ANGO_API_KEY and replace the YOUR-ORG placeholders in .github/workflows and "
                     ".pre-commit-config.yaml with where you keep ango-ontology.\n")
    return 0


def _pulled(args: argparse.Namespace) -> dict[str, str]:
    """Each project's live label set, by the file name it gets in ontology/."""
    from .. import scaffold

    out: dict[str, str] = {}
    with closing(options.hub_from(args)) as hub, options.run_progress("Pulled").showing():
        projects = {str(p.get("_id")): p.get("name") for p in hub.list_projects()}
        for selector in args.pull:
            project = selector if selector in projects else api.project_id_of(selector, hub=hub)
            name = scaffold.file_name(project, projects.get(project) if isinstance(projects.get(project), str)
                                      else None)
            if name in out:
                name = scaffold.file_name(project, None)
            out[name] = api.pull(hub, project)
    return out


def register(sub: Any) -> None:
    init = sub.add_parser("init", help="scaffold a repository of label sets (ontology/, CI, pre-commit)",
                          description="Create what a repository of label sets needs: an ontology/ folder (a "
                                      "starter label set, or the projects given with --pull), the editor "
                                      "schema, .gitignore entries, the pull-request and drift workflows and "
                                      "the pre-commit configuration. Files already there are kept and said to "
                                      "be; running it again changes nothing.")
    init.add_argument("folder", nargs="?", default=".", metavar="FOLDER", help="the repository (default: here)")
    init.add_argument("--pull", action="append", default=[], metavar="PROJECT",
                      help="pull this project (id or name) into ontology/; repeat for several")
    init.add_argument("--force", action="store_true", help="replace files that differ from what init writes")
    options.add_hub_flags(init)
    init.set_defaults(func=cmd_init)
