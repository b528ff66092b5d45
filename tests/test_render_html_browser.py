"""The HTML plan in a real headless Chromium (the guide's harness): readable with scripts off — styled by
its pinned style sheet, no policy errors, no request but its own file — and hostile titles stay text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from plan_scenarios import plan_for
from test_guide_browser import _driver, _open, pytestmark  # noqa: F401  # the harness; its skip mark applies here

from ango_ontology.render import render_to_string

# What a reader sees without scripts: the text of every changed node in the label-set tree is visible.
VISIBLE_CHANGES = """
return Array.from(document.querySelectorAll('span.line'))
  .filter(function (el) { return el.className.trim() !== 'line'; })
  .map(function (el) { return [el.innerText, el.checkVisibility()]; });
"""


@pytest.fixture(scope="module")
def scripts_off() -> Iterator[Any]:
    driver = _driver(scripts=False)
    yield driver
    driver.quit()


def _page(name: str, folder: Path) -> Path:
    page = folder / f"{name}.html"
    page.write_text(render_to_string(plan_for(name), "html"), encoding="utf-8")
    return page


@pytest.mark.parametrize("name", ["everything", "many_similar", "delete_tool", "reorder"])
def test_with_scripts_off_the_html_plan_is_styled_shows_every_change_and_requests_nothing(
        name: str, scripts_off: Any, tmp_path: Path) -> None:
    page = _page(name, tmp_path)
    loaded = _open(scripts_off, page)
    assert loaded.requests == [page.as_uri()]
    assert loaded.errors == []  # a style the page's policy refused would be logged here
    style = scripts_off.execute_script("return getComputedStyle(document.querySelector('table')).borderCollapse")
    assert style == "collapse"  # the inlined style sheet applied
    changed = scripts_off.execute_script(VISIBLE_CHANGES)
    assert changed and all(shown for _, shown in changed), changed
    assert scripts_off.execute_script("return document.scripts.length") == 0


def test_hostile_titles_stay_text_in_the_html_plan(scripts_off: Any, tmp_path: Path) -> None:
    page = _page("hostile_titles", tmp_path)
    loaded = _open(scripts_off, page)
    assert loaded.requests == [page.as_uri()]
    state = scripts_off.execute_script(
        "return {scripts: document.scripts.length, images: document.images.length,"
        " handlers: document.querySelectorAll('[onerror]').length, text: document.body.innerText};")
    assert (state["scripts"], state["images"], state["handlers"]) == (0, 0, 0)
    assert "<script>alert(1)</script> | `x` & <b>" in state["text"]
    assert '"><img src=x onerror=alert(1)>' in state["text"]
