"""`include:` fragments: spliced where they are named, problems at the fragment's own file:line:col, ids
derived as if written in place, cycles and paths outside the repository refused."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ango_ontology import OntologyInvalid, load, load_text, resolve
from ango_ontology.diff import make_plan
from ango_ontology.errors import InputError
from ango_ontology.includes import repository_root
from ango_ontology.plan import SourceFile
from ango_ontology.revisions import load_spec

OCCLUSION = "# shared by every vehicle\n- radio: Occlusion\n  options: [None, Partial, Heavy]\n"
CARS = """\
project: p1
tools:
  - bounding-box: Car
    classifications:
      - include: shared/occlusion.yaml
      - text: Plate
"""
INLINE = """\
project: p1
tools:
  - bounding-box: Car
    classifications:
      - radio: Occlusion
        options: [None, Partial, Heavy]
      - text: Plate
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with `ontology/cars.yaml` including `ontology/shared/occlusion.yaml`."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "ontology" / "shared").mkdir(parents=True)
    (tmp_path / "ontology" / "shared" / "occlusion.yaml").write_text(OCCLUSION)
    (tmp_path / "ontology" / "cars.yaml").write_text(CARS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _problems(path: Path | str) -> list[str]:
    with pytest.raises(OntologyInvalid) as caught:
        load(path)
    return [str(problem) for problem in caught.value.problems]


def test_included_nodes_take_the_place_of_the_include(repo: Path) -> None:
    ontology = load(repo / "ontology" / "cars.yaml")
    assert [c.title for c in ontology.tools[0].classifications] == ["Occlusion", "Plate"]
    assert ontology == load_text(INLINE)


def test_an_included_node_gets_the_id_it_would_have_written_in_place(repo: Path) -> None:
    included = resolve(load(repo / "ontology" / "cars.yaml"))
    assert included == resolve(load_text(INLINE))


def test_a_problem_in_a_fragment_is_reported_at_the_fragments_own_line(repo: Path) -> None:
    (repo / "ontology" / "shared" / "occlusion.yaml").write_text(OCCLUSION + "  colour: red\n")
    problems = _problems(repo / "ontology" / "cars.yaml")
    assert problems == [f"{repo / 'ontology' / 'shared' / 'occlusion.yaml'}:4:3: tools[Car] > "
                        "classifications[Occlusion]: unknown key 'colour' (did you mean 'color'?)"]


def test_a_problem_after_the_include_keeps_the_including_files_line(repo: Path) -> None:
    (repo / "ontology" / "cars.yaml").write_text(CARS + "      - text: Plate\n")
    problems = _problems(repo / "ontology" / "cars.yaml")
    assert len(problems) == 1 and problems[0].startswith(f"{repo / 'ontology' / 'cars.yaml'}:7:")


def test_fragments_include_fragments_relative_to_themselves(repo: Path) -> None:
    shared = repo / "ontology" / "shared"
    (shared / "deep").mkdir()
    (shared / "deep" / "truncation.yaml").write_text("- checkbox: Truncated\n  options: [Left, Right]\n")
    (shared / "occlusion.yaml").write_text(OCCLUSION + "- include: deep/truncation.yaml\n")
    titles = [c.title for c in load(repo / "ontology" / "cars.yaml").tools[0].classifications]
    assert titles == ["Occlusion", "Truncated", "Plate"]


def test_options_and_tree_nodes_can_come_from_a_fragment(repo: Path) -> None:
    (repo / "ontology" / "shared" / "fruit.yaml").write_text("- Apple\n- Banana: [Cavendish]\n")
    (repo / "ontology" / "shop.yaml").write_text(
        "classifications:\n  - tree-dropdown: Product\n    tree:\n      - Food:\n"
        "          - include: shared/fruit.yaml\n  - radio: Fruit\n    options:\n"
        "      - include: shared/fruit.yaml\n")
    with pytest.raises(OntologyInvalid) as caught:  # a branch is no option: reported in the fragment
        load(repo / "ontology" / "shop.yaml")
    assert {p.file for p in caught.value.problems} == {str(repo / "ontology" / "shared" / "fruit.yaml")}
    (repo / "ontology" / "shared" / "fruit.yaml").write_text("- Apple\n- Banana\n")
    ontology = load(repo / "ontology" / "shop.yaml")
    assert [leaf.title for leaf in ontology.classifications[0].tree_options[0].children] == ["Apple", "Banana"]
    assert [option.value for option in ontology.classifications[1].options] == ["Apple", "Banana"]


def test_an_include_cycle_is_refused_where_it_closes(repo: Path) -> None:
    shared = repo / "ontology" / "shared"
    (shared / "a.yaml").write_text("- radio: A\n  options: [x]\n  classifications:\n    - include: b.yaml\n")
    (shared / "b.yaml").write_text("- include: a.yaml\n")
    (repo / "ontology" / "cycle.yaml").write_text("classifications:\n  - include: shared/a.yaml\n")
    problems = _problems(repo / "ontology" / "cycle.yaml")
    assert len(problems) == 1
    assert problems[0].startswith(f"{repo / 'ontology' / 'shared' / 'b.yaml'}:1:3: ")
    assert "includes itself (a.yaml → b.yaml → a.yaml)" in problems[0]


@pytest.mark.parametrize(("target", "message"), [
    ("../../outside.yaml", "is outside the repository"),
    ("/etc/hostname", "is an absolute path"),
    ("shared/missing.yaml", "no such file"),
    ("shared", "is a folder"),
    ("", "expected the path of a fragment"),
])
def test_an_include_that_cannot_be_read_is_reported_at_the_include(repo: Path, target: str, message: str) -> None:
    (repo.parent / "outside.yaml").write_text("- text: Secret\n")
    (repo / "ontology" / "bad.yaml").write_text(f"classifications:\n  - text: A\n  - include: {target!r}\n")
    problems = _problems(repo / "ontology" / "bad.yaml")
    assert len(problems) == 1
    assert problems[0].startswith(f"{repo / 'ontology' / 'bad.yaml'}:3:5: ") and message in problems[0]


def test_a_symlink_out_of_the_repository_is_refused(repo: Path) -> None:
    (repo.parent / "secret.yaml").write_text("- text: Secret\n")
    os.symlink(repo.parent / "secret.yaml", repo / "ontology" / "shared" / "link.yaml")
    (repo / "ontology" / "link.yaml").write_text("classifications:\n  - include: shared/link.yaml\n")
    assert "is outside the repository" in _problems(repo / "ontology" / "link.yaml")[0]


def test_a_fragment_must_hold_a_list_and_be_yaml(repo: Path) -> None:
    shared = repo / "ontology" / "shared"
    (shared / "map.yaml").write_text("radio: X\n")
    (shared / "broken.yaml").write_text("- radio: [X\n")
    (shared / "empty.yaml").write_text("# nothing yet\n")
    (repo / "ontology" / "f.yaml").write_text("classifications:\n  - include: shared/map.yaml\n"
                                              "  - include: shared/broken.yaml\n  - include: shared/empty.yaml\n")
    problems = _problems(repo / "ontology" / "f.yaml")
    assert any("holds a mapping; a fragment holds a list" in p for p in problems)
    assert any(p.startswith(f"{repo / 'ontology' / 'shared' / 'broken.yaml'}:2:1: YAML syntax error") for p in problems)
    assert len(problems) == 2


def test_a_fragment_speaks_of_its_syntax_and_of_a_value_cut_by_a_comment_in_our_words(repo: Path) -> None:
    shared = repo / "ontology" / "shared"
    (shared / "cut.yaml").write_text("- text: Plate\n  description:\n    #1 means the front plate\n")
    (shared / "old.yaml").write_text("%YAML 1.1\n---\n- radio: Light\n  options: [on, off]\n")
    (repo / "ontology" / "f.yaml").write_text("classifications:\n  - include: shared/cut.yaml\n"
                                              "  - include: shared/old.yaml\n")
    problems = _problems(repo / "ontology" / "f.yaml")
    assert any(p.startswith(f"{shared / 'cut.yaml'}:2:3: classifications[Plate]: description holds nothing: "
                            "`#1 means the front plate` after it is a YAML comment") for p in problems), problems
    assert any(p.startswith(f"{shared / 'old.yaml'}:1:1: YAML syntax error: the file asks for YAML 1.1")
               for p in problems), problems


def test_a_fragment_included_twice_with_an_explicit_id_is_a_duplicate_id(repo: Path) -> None:
    (repo / "ontology" / "shared" / "occlusion.yaml").write_text("- radio: Occlusion\n  id: occ\n  options: [A]\n")
    (repo / "ontology" / "two.yaml").write_text(
        "tools:\n  - point: A\n    classifications: [{include: shared/occlusion.yaml}]\n"
        "  - point: B\n    classifications: [{include: shared/occlusion.yaml}]\n")
    problems = _problems(repo / "ontology" / "two.yaml")
    assert len(problems) == 1 and "duplicate id 'occ'" in problems[0]
    assert problems[0].startswith(f"{repo / 'ontology' / 'shared' / 'occlusion.yaml'}:2:")


def test_a_deep_chain_of_repeated_includes_is_stopped_not_expanded(repo: Path) -> None:
    shared = repo / "ontology" / "shared"
    for level in range(30):
        (shared / f"l{level}.yaml").write_text("".join(f"- include: l{level + 1}.yaml\n" for _ in range(10)))
    (shared / "l30.yaml").write_text("- text: Leaf\n")
    (repo / "ontology" / "bomb.yaml").write_text("classifications:\n  - include: shared/l0.yaml\n")
    problems = _problems(repo / "ontology" / "bomb.yaml")
    assert any("more than 16 fragments deep" in p or "far more nodes" in p for p in problems)


def test_includes_at_a_git_revision_are_read_from_that_revision(repo: Path) -> None:
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "add", "."], check=True, cwd=repo)
    subprocess.run([*git, "commit", "-q", "-m", "v1"], check=True, cwd=repo)
    (repo / "ontology" / "shared" / "occlusion.yaml").write_text(OCCLUSION.replace("Heavy", "Full"))
    then = load_spec("HEAD:ontology/cars.yaml")
    assert [o.value for o in then.tools[0].classifications[0].options] == ["None", "Partial", "Heavy"]
    now = load_spec("ontology/cars.yaml")
    assert [o.value for o in now.tools[0].classifications[0].options] == ["None", "Partial", "Full"]
    (repo / "ontology" / "up.yaml").write_text("classifications:\n  - include: ../../x.yaml\n")
    subprocess.run([*git, "add", "."], check=True, cwd=repo)
    subprocess.run([*git, "commit", "-q", "-m", "v2"], check=True, cwd=repo)
    with pytest.raises(OntologyInvalid) as caught:
        load_spec("HEAD:ontology/up.yaml")
    assert "is outside the repository" in str(caught.value)


def test_a_symlinked_fragment_at_a_git_revision_is_followed_inside_the_repository_only(repo: Path,
                                                                                       tmp_path: Path) -> None:
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    shared = repo / "ontology" / "shared"
    (shared / "occ.yaml").symlink_to("occlusion.yaml")
    (repo / "ontology" / "linked.yaml").write_text(CARS.replace("shared/occlusion.yaml", "shared/occ.yaml"))
    (repo / "ontology" / "main.yaml").symlink_to("linked.yaml")  # the label set itself a link
    (shared / "out.yaml").symlink_to(os.path.relpath(tmp_path.parent / "elsewhere.yaml", shared))
    (shared / "gone.yaml").symlink_to("nothing-here.yaml")
    for name in ("out", "gone"):
        (repo / "ontology" / f"{name}.yaml").write_text(CARS.replace("occlusion.yaml", f"{name}.yaml"))
    subprocess.run([*git, "add", "."], check=True, cwd=repo)
    subprocess.run([*git, "commit", "-q", "-m", "links"], check=True, cwd=repo)
    for spec in ("HEAD:ontology/linked.yaml", "HEAD:ontology/main.yaml"):
        assert load_spec(spec) == load(repo / "ontology" / "linked.yaml")
    with pytest.raises(OntologyInvalid) as caught:
        load_spec("HEAD:ontology/out.yaml")
    assert "HEAD:ontology/out.yaml:5:9: tools[Car]: include: ontology/shared/out.yaml is a symbolic link to " in \
        str(caught.value) and "outside the repository (not followed)" in str(caught.value)
    with pytest.raises(OntologyInvalid, match=r"gone\.yaml is a symbolic link to a file that does not exist at "
                                              r"revision HEAD"):
        load_spec("HEAD:ontology/gone.yaml")
    with pytest.raises(InputError, match=r"HEAD:ontology/shared/out\.yaml is a symbolic link to .*outside the repo"):
        load_spec("HEAD:ontology/shared/out.yaml")


def test_a_plan_time_note_about_a_fragments_node_is_placed_in_the_fragment_once_per_include(repo: Path) -> None:
    (repo / "ontology" / "shared" / "occ.yaml").write_text(
        "- radio: Occ\n  options:\n    - None\n    - value: Partially\n      renamed_from: Partial\n")
    (repo / "ontology" / "s.yaml").write_text(
        "project: {name: S}\ntools:\n  - point: Car\n    classifications:\n      - include: shared/occ.yaml\n"
        "  - point: Road\n    classifications:\n      - include: shared/occ.yaml\n")
    empty = {"tools": [], "classifications": [], "relations": []}
    for spec in ("ontology/s.yaml", "HEAD:ontology/s.yaml"):
        if spec.startswith("HEAD:"):
            git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
            subprocess.run([*git, "add", "."], check=True, cwd=repo)
            subprocess.run([*git, "commit", "-q", "-m", "occ"], check=True, cwd=repo)
        notes = make_plan(load_spec(spec), empty, source=SourceFile(spec)).notes
        fragment = "HEAD:ontology/shared/occ.yaml" if spec.startswith("HEAD:") else "ontology/shared/occ.yaml"
        assert [note.split(": renamed_from")[0] for note in notes] == [
            f"{fragment}:5:7: tools[{tool}] > classifications[Occ] > options[Partially]" for tool in ("Car", "Road")]
    (repo / "ontology" / "shared" / "occ.yaml").write_text(
        "- radio: Occ\n  options: [None]\n  classifications:\n    - text: Why\n      when: Partial\n")
    with pytest.raises(OntologyInvalid) as caught:
        make_plan(load_spec("ontology/s.yaml"), empty)
    assert [problem.location for problem in caught.value.problems] == ["ontology/shared/occ.yaml:5:7"] * 2


def test_the_repository_is_the_folder_with_git_else_the_working_folder(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert repository_root(str(tmp_path / "a" / "b" / "x.yaml")) == os.path.realpath(tmp_path)
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert repository_root(str(tmp_path / "a" / "x.yaml")) == os.path.realpath(tmp_path / "a")
    (tmp_path / "a" / ".git").mkdir()
    assert repository_root(str(tmp_path / "a" / "b" / "x.yaml")) == os.path.realpath(tmp_path / "a")
