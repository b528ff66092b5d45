"""Files, folders and globs on the command line: each ontology file once, fragments and hidden files left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from ango_ontology.errors import InputError
from ango_ontology.sources import expand, first_token, is_fragment, label_sets


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    files = {
        "ontology/b.yaml": "project: b\n",
        "ontology/a.yml": "# comment\n---\nproject: a\n",
        "ontology/team/c.py": "ontology = None\n",
        "ontology/team/_helpers.py": "X = 1\n",
        "ontology/shared/occlusion.yaml": "# a fragment\n- radio: Occlusion\n",
        "ontology/shared/flow.yaml": "[{text: Note}]\n",
        "ontology/.hidden/d.yaml": "project: d\n",
        "ontology/notes.md": "# not an ontology\n",
        "ontology/schema.json": "{}\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_a_folder_means_its_label_sets_in_path_order(tree: Path) -> None:
    assert expand(["ontology"]) == ["ontology/a.yml", "ontology/b.yaml", "ontology/team/c.py"]


def test_fmt_asks_for_fragments_too(tree: Path) -> None:
    assert expand(["ontology/shared"], fragments=True) == [
        "ontology/shared/flow.yaml", "ontology/shared/occlusion.yaml"]


def test_a_glob_is_expanded_for_shells_that_do_not(tree: Path) -> None:
    assert expand(["ontology/*.y*ml"]) == ["ontology/a.yml", "ontology/b.yaml"]
    assert expand(["ontology/**/*.yaml"]) == ["ontology/b.yaml"]
    assert expand(["ontology/te*"]) == ["ontology/team/c.py"]


def test_each_file_once_in_argument_order(tree: Path) -> None:
    assert expand(["ontology/b.yaml", "ontology", "./ontology/a.yml"]) == [
        "ontology/b.yaml", "ontology/a.yml", "ontology/team/c.py"]


def test_a_file_named_on_its_own_is_kept_whatever_it_is(tree: Path) -> None:
    assert expand(["ontology/shared/occlusion.yaml"]) == ["ontology/shared/occlusion.yaml"]
    assert label_sets(["ontology/b.yaml", "ontology/shared/occlusion.yaml"]) == (
        ["ontology/b.yaml"], ["ontology/shared/occlusion.yaml"])


@pytest.mark.parametrize(("argument", "message"), [
    ("missing.yaml", "missing.yaml: no such file or folder"),
    ("ontology/*.json", "matches no ontology file"),
    ("ontology/.hidden/../shared/none*", "matches no ontology file"),
])
def test_an_argument_that_names_nothing_is_an_error(tree: Path, argument: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("*", r"\*")):
        expand([argument])


def test_a_folder_without_label_sets_is_an_error(tree: Path) -> None:
    (tree / "empty").mkdir()
    with pytest.raises(InputError, match="a folder with no ontology file"):
        expand(["empty"])


def test_fragments_are_told_by_their_first_item(tree: Path) -> None:
    assert is_fragment(tree / "ontology/shared/occlusion.yaml") and is_fragment(tree / "ontology/shared/flow.yaml")
    assert not is_fragment(tree / "ontology/a.yml") and not is_fragment(tree / "missing.yaml")
    assert is_fragment(tree / "ontology/team/_helpers.py") and not is_fragment(tree / "ontology/team/c.py")
    assert first_token("%YAML 1.2\n--- - a\n") == "-" and first_token("# only a comment\n") == ""
