"""Naming: duplicates as a reader sees them, and renamed_from that is empty, names itself or goes round."""

from __future__ import annotations

from ango_ontology.naming import Named, duplicate_message, duplicates, hidden_problem, id_problem, renames


def _named(*pairs: tuple[str, str | None]) -> list[Named]:
    return [Named(index, name, old) for index, (name, old) in enumerate(pairs)]


def test_duplicates_are_found_as_a_reader_sees_them_and_empty_names_are_left_to_their_own_rule() -> None:
    siblings = _named(("Car", None), ("Car ", None), ("", None), ("", None), ("Bus", None), ("Cafe\u0301", None),
                      ("Café", None))
    found = [(sibling.at, first) for sibling, first in duplicates(siblings)]
    assert found == [(1, "Car"), (6, "Cafe\u0301")]


def test_duplicate_messages_say_how_look_alikes_differ() -> None:
    assert duplicate_message("Car", "Car", "title", "among these tools") == "duplicate title 'Car' among these tools"
    assert duplicate_message("Car\u200b", "Car", "option value", "").endswith(
        "(they differ only in invisible characters)")
    assert "spaces around them and invisible characters" in duplicate_message(" Car\u200b", "Car", "title", "")


def test_renamed_from_empty_self_and_cycles_are_reported_once_each() -> None:
    siblings = _named(("A", "B"), ("B", "C"), ("C", "A"), ("D", ""), ("E", " E"), ("F", "G"), ("H", "Nowhere"))
    reported = [(sibling.name, message.split(":")[0]) for sibling, message in renames(siblings, "title")]
    assert reported == [("A", "renamed_from goes round in a cycle ('A' ← 'B' ← 'C' ← 'A')"),
                        ("D", "renamed_from is empty"), ("E", "renamed_from names this node's own title")]


def test_a_chain_that_does_not_come_back_is_no_cycle() -> None:
    assert list(renames(_named(("A", "B"), ("B", "C")), "title")) == []
    ((sibling, _),) = renames(_named(("A", "B"), ("B", "C"), ("C", "B")), "title")
    assert sibling.name == "B"


def test_ids_are_checked_as_written() -> None:
    assert id_problem("car-1") is None
    assert "empty" in (id_problem("  ") or "")
    assert "spaces around it" in (id_problem("car-1 ") or "")
    assert "U+200B ZERO WIDTH SPACE" in (id_problem("car\u200b1") or "")
    assert "and 1 more hidden code point" in (hidden_problem("a\x00b\u202e", "the title") or "")
