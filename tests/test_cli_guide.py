"""The guide command: -o picks HTML or Markdown by its suffix, stdout without -o, errors as exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from ango_ontology.cli import main

EXAMPLE = Path(__file__).parents[1] / "examples" / "ontologies" / "sdk-conditional-tree.yaml"


@pytest.mark.parametrize("name, start", [("guide.html", "<!doctype html>"), ("guide.md", "# Annotator guide"),
                                         ("guide.markdown", "# Annotator guide")])
def test_the_suffix_of_out_picks_the_format(name: str, start: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / name
    assert main(["guide", str(EXAMPLE), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith(start)
    assert f"to {out}" in capsys.readouterr().err


def test_without_out_the_guide_goes_to_stdout_in_the_format_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guide", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out.startswith("<!doctype html>")
    assert main(["guide", str(EXAMPLE), "--format", "markdown"]) == 0
    assert "```mermaid" in capsys.readouterr().out


def test_an_invalid_label_set_gets_no_guide(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "labels.yaml"
    broken.write_text("tools:\n  - polygn: Road\n", encoding="utf-8")
    out = tmp_path / "guide.html"
    assert main(["guide", str(broken), "-o", str(out)]) == 1
    assert "unknown tool type 'polygn'" in capsys.readouterr().err
    assert not out.exists()


def test_the_guide_never_replaces_the_label_set_it_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "labels.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    assert main(["guide", str(path), "-o", str(tmp_path / "." / "labels.yaml")]) == 1
    assert "which this command reads" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_a_guide_of_titles_holding_half_a_surrogate_pair_shows_them_as_codes(
        suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    definition = tmp_path / "halves.py"
    definition.write_text("from ango_ontology import Ontology, Tool\nontology = Ontology(tools=[Tool(type='point', "
                          "title='Car\\ud800', id='car', description='d\\udc00')])\n", encoding="utf-8")
    out = tmp_path / f"guide{suffix}"
    assert main(["guide", str(definition), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")  # UTF-8 that reads back: no half of a pair in it
    assert "Car⟨U+D800⟩" in text and "d⟨U+DC00⟩" in text
    capsys.readouterr()
