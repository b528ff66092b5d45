"""Splices of a YAML text at the parser's positions: only what is edited changes, nested edits give way."""

from __future__ import annotations

import pytest

from ango_ontology.errors import InputError
from ango_ontology.yaml_edits import Editor, Items, Patch, compose, end_of, shared, start_of


def _seq(text: str, key: str = "a") -> tuple[Patch, Items]:
    root = compose(text)
    value = next(v for k, v in root.value if k.value == key)
    patch = Patch(text)
    return patch, Items(patch, value)


def test_a_splice_inside_a_larger_one_gives_way_once_carried_and_insertions_keep_their_order() -> None:
    patch = Patch("0123456789")
    patch.replace(2, 4, "ab")
    assert patch.render(1, 6) == "1ab45"
    patch.replace(1, 6, "X")
    patch.insert(1, "<")
    patch.insert(1, "<<")
    patch.insert(6, ">")
    assert patch.result() == "0<<<X>6789"
    assert patch.render(0, 10) == "0<<<X>6789"


def test_overlapping_splices_and_lost_edits_are_a_bug_not_a_silent_mess() -> None:
    patch = Patch("0123456789")
    patch.replace(1, 5, "")
    patch.replace(3, 8, "")
    with pytest.raises(ValueError, match="overlapping"):
        patch.result()
    patch = Patch("0123456789")
    patch.insert(3, "lost")
    patch.replace(1, 5, "")
    with pytest.raises(ValueError, match="inside a replaced range"):
        patch.result()


def test_a_block_item_is_inserted_moved_and_deleted_as_whole_lines() -> None:
    text = "a:\n  - one   # first\n  - two\n  - three\nb: 1"
    patch, items = _seq(text)
    items.insert(3, ["  - four"], "")
    items.move(0, 2)
    items.delete(2)
    assert patch.result() == "a:\n  - two\n  - one   # first\n  - four\nb: 1"


def test_an_item_appended_to_a_file_without_a_final_newline_gets_its_line() -> None:
    patch, items = _seq("a:\n  - one")
    items.insert(1, ["  - two"], "")
    assert patch.result() == "a:\n  - one\n  - two"


def test_flow_items_are_spliced_with_their_commas() -> None:
    patch, items = _seq("a: [x, y, z]\n")
    items.delete(2)
    items.insert(0, [], "w")
    assert patch.result() == "a: [w, x, y]\n"
    patch, items = _seq("a: []\n")
    items.insert(0, [], "v")
    assert patch.result() == "a: [v]\n"


def test_an_item_that_shares_its_line_with_another_is_refused() -> None:
    _, items = _seq("a: [[x], [y]]\n")
    assert items.flow
    _, outer = _seq("a:\n  - - x\n    - y\n")
    with pytest.raises(InputError, match="line of its own"):
        Items(outer.patch, outer.node.value[0]).lines(0)


def test_a_block_scalar_ends_with_its_text_and_anchored_nodes_are_found() -> None:
    text = "k: |\n  lit\nl: &x [1]\nm: *x\n"
    root = compose(text)
    literal = root.value[0][1]
    assert text[start_of(literal):end_of(literal)] == "|\n  lit" and text[end_of(literal)] == "\n"
    assert [text[start_of(node):end_of(node)] for node in shared(root)] == ["&x [1]"]


def test_the_editor_sets_adds_and_removes_keys_in_block_and_flow_mappings() -> None:
    text = "n:\n  a: 1   # one\n  c: 3\nf: {a: 1, c: 3}\n"
    root = compose(text)
    block, flow = root.value[0][1], root.value[1][1]
    editor = Editor(Patch(text), "x.yaml")
    order = ("a", "b", "c")
    editor.set(block, "a", "a", "10", order)
    editor.set(block, "b", "b", "2", order)
    editor.remove(block, "c")
    editor.set(flow, "b", "b", "2", order)
    editor.remove(flow, "c")
    assert editor.patch.result() == "n:\n  a: 10   # one\n  b: 2\nf: {a: 1, b: 2}\n"
    editor.refuse_shared(root)
