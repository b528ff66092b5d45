"""The documents of a run over many projects: the comment stays under GitHub's limit however large the plans."""

from __future__ import annotations

import io

from ango_ontology.diff import make_plan
from ango_ontology.errors import OntologyInvalid, Problem
from ango_ontology.model import Ontology, ProjectRef
from ango_ontology.render.runs import COMMENT_LIMIT, FULL_PLANS, Tally, comment, document, rollup
from ango_ontology.runs import ProjectRun


def _big(count: int) -> Ontology:
    return Ontology.model_validate({"tools": [{"type": "polygon", "title": f"Region {n} " + "x" * 40}
                                              for n in range(count)]})


def _run(index: int, desired: Ontology, live: Ontology | None = None) -> ProjectRun:
    plan = make_plan(desired, live, project=f"p{index}", hub="local")
    return ProjectRun(ProjectRef(id=f"p{index}"), plan=plan, source=f"ontology/set-{index % 12:02}.yaml")


def test_thirty_large_plans_make_one_comment_under_the_limit() -> None:
    runs = [_run(index, _big(200 if index % 3 else 5)) for index in range(30)]
    text = comment(runs)
    assert len(text) < COMMENT_LIMIT
    assert text.count("<summary>✅") + text.count("<summary>📝") == 30  # every project has its section
    assert "Some sections were shortened" in text and FULL_PLANS in text
    assert text.count("| `ontology/") == 30


def test_a_comment_that_fits_is_not_shortened() -> None:
    runs = [_run(index, _big(3)) for index in range(4)] + [_run(9, _big(2), _big(2))]
    text = comment(runs)
    assert "shortened" not in text and text.count("<summary>📝") == 4
    assert "| ✅ | `ontology/set-09.yaml` |  | p9 | No changes. |" in text


def test_thousands_of_projects_keep_the_important_rows_of_the_table() -> None:
    failed = ProjectRun(ProjectRef(id="broken"), error=OntologyInvalid([Problem("bad " * 20000, "", "f.yaml", 1, 1)]),
                        source="f.yaml")
    quiet = [_run(index, _big(1), _big(1)) for index in range(800)]
    text = comment([*quiet, failed])
    assert len(text) < COMMENT_LIMIT
    assert "| ❌ | `f.yaml` |" in text and "more projects without changes not listed" in text
    assert "shortened; " in text  # the long error is cut inside its section


def test_the_roll_up_and_the_json_document_count_the_same() -> None:
    runs = [_run(0, _big(2)), _run(1, _big(1), _big(1)), ProjectRun(ProjectRef(id="x"), error=OntologyInvalid([]))]
    out = io.StringIO()
    rollup(runs, out)
    assert out.getvalue().splitlines()[-1] == "3 projects in 3 files: 1 with changes, 1 without, 1 failed."
    assert document(runs)["summary"] == Tally.of(runs).to_json() == {
        "files": 3, "projects": 3, "unchanged": 1, "changed": 1, "destructive": 0, "failed": 1}


def test_one_plan_with_many_notes_is_shortened_alone_and_the_others_keep_their_sections() -> None:
    noted = Ontology.model_validate({"tools": [
        {"type": "bounding-box", "title": f"Tool {n} with a fairly long descriptive title",
         "renamed_from": f"Old tool {n} with a fairly long descriptive title"} for n in range(300)]})
    runs = [_run(0, noted)] + [_run(index, _big(3)) for index in range(1, 40)]
    text = comment(runs)
    assert len(text) < COMMENT_LIMIT
    assert "Too large to show" not in text and text.count("| create |") > 117  # every small plan whole, and more
    assert "more notes: " in text and "Some sections were shortened" in text
    small = comment(runs[1:])
    assert all(section in text for section in small.split("<details>")[2:])  # the same, word for word
