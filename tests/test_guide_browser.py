"""The HTML guide in a real headless Chromium: renders with scripts off and on, search finds nested answers,
and no request leaves the page.

Needs Chromium and its driver from the system's packages (`apt-get install chromium chromium-driver`;
`.ci/run` installs them). Regenerate the README's screenshot with
`UPDATE_SCREENSHOT=1 .venv/bin/python -m pytest tests/test_guide_browser.py --no-cov`.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ango_ontology import Ontology, load
from ango_ontology.guide import Version, guide_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
# Skipped on a machine without them; never in CI, where .ci/run installs them (a missing browser fails there).
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and os.environ.get("CI") != "true",
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run does it)")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "ontologies").glob("*"))
HOSTILE = ROOT / "tests" / "data" / "guide" / "hostile-titles.yaml"
SCREENSHOT = ROOT / "docs" / "guide-screenshot.png"
VERSION = Version("labels.yaml", "0123456789abcdef0123456789abcdef01234567", "2024-05-01", "2024-05-02")

# Runs inside the page through the driver (this works with the page's own scripts off): what is hidden.
# checkVisibility() also sees what a closed <details> hides.
HIDDEN_ITEMS = """
return Array.from(document.querySelectorAll('[data-text]'))
  .filter(function (el) { return !el.checkVisibility(); })
  .map(function (el) { return el.getAttribute('data-text'); });
"""
ITEM_STATE = """
var wanted = arguments[0];
var found = Array.from(document.querySelectorAll('[data-text]'))
  .filter(function (el) { return el.getAttribute('data-text') === wanted; });
return found.map(function (el) {
  return {shown: el.checkVisibility(), hit: el.classList.contains('hit')};
});
"""


@dataclass(frozen=True)
class Loaded:
    requests: list[str]
    errors: list[str]


def _driver(scripts: bool) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1200,1600", "--hide-scrollbars"):
        options.add_argument(argument)
    if not scripts:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="module")
def scripts_off() -> Iterator[Any]:
    driver = _driver(scripts=False)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def scripts_on() -> Iterator[Any]:
    driver = _driver(scripts=True)
    yield driver
    driver.quit()


def _open(driver: Any, page: Path) -> Loaded:
    """Load the page; every request it made (its own file included) and every error it logged."""
    driver.get_log("performance")  # drain what an earlier page left
    driver.get_log("browser")
    driver.get(page.as_uri())
    driver.execute_script("return document.readyState")
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    return Loaded(requests, errors)


def _write_guide(source: Path, folder: Path, version: Version = VERSION) -> tuple[Path, Ontology]:
    ontology = load(source)
    page = folder / f"{source.name}.html"
    page.write_text(guide_html(ontology, version), encoding="utf-8")
    return page, ontology


def _deepest_answer(ontology: Ontology) -> str:
    """The answer (option or tree node) nested deepest in the label set: what a search must dig out."""
    answers: list[tuple[int, str]] = []
    stack: list[tuple[Any, int]] = [(node, 0) for node in (*ontology.tools, *ontology.classifications,
                                                              *ontology.relations)]
    while stack:
        node, depth = stack.pop()
        answers += [(depth + 1, option.value) for option in node.options]
        trees = [(item, depth + 1) for item in getattr(node, "tree_options", [])]
        while trees:
            item, level = trees.pop()
            answers.append((level, item.title))
            trees += [(child, level + 1) for child in item.children]
        stack += [(child, depth + 1) for child in node.classifications]
    return max(answers, key=lambda pair: pair[0])[1]


examples = pytest.mark.parametrize("source", EXAMPLES, ids=[path.name for path in EXAMPLES])


@examples
def test_with_scripts_off_the_guide_shows_everything_styled_and_requests_nothing(
        source: Path, scripts_off: Any, tmp_path: Path) -> None:
    page, ontology = _write_guide(source, tmp_path)
    loaded = _open(scripts_off, page)
    assert loaded.requests == [page.as_uri()]
    assert loaded.errors == []  # a style or script the page's policy refused would be logged here
    assert scripts_off.execute_script(HIDDEN_ITEMS) == []
    assert scripts_off.execute_script("return document.getElementById('search').checkVisibility()") is False
    border = scripts_off.execute_script("return getComputedStyle(document.querySelector('h2')).borderBottomWidth")
    assert border == "2px"  # the inlined style sheet applied
    assert {"shown": True, "hit": False} in scripts_off.execute_script(ITEM_STATE, _deepest_answer(ontology))


@examples
def test_with_scripts_on_the_search_finds_the_deepest_answer_and_hides_the_rest(
        source: Path, scripts_on: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page, ontology = _write_guide(source, tmp_path)
    loaded = _open(scripts_on, page)
    assert loaded.requests == [page.as_uri()]
    assert loaded.errors == []
    box = scripts_on.find_element(By.ID, "q")
    assert box.is_displayed()
    answer = _deepest_answer(ontology)
    box.send_keys(answer)
    assert {"shown": True, "hit": True} in scripts_on.execute_script(ITEM_STATE, answer)
    hidden = scripts_on.execute_script(HIDDEN_ITEMS)
    assert hidden, "the search hid nothing"
    assert answer not in hidden
    assert scripts_on.find_element(By.ID, "hits").text.endswith(("match", "matches"))
    box.send_keys(Keys.ESCAPE)
    still_hidden = scripts_on.execute_script(HIDDEN_ITEMS)
    folded = scripts_on.execute_script("return document.querySelectorAll('.tree[data-large]').length")
    assert still_hidden == [] or folded  # only the nodes of a large folded tree stay out of sight
    assert _requests_since(scripts_on) == []


def _requests_since(driver: Any) -> list[str]:
    return [json.loads(entry["message"])["message"]["params"]["request"]["url"]
            for entry in driver.get_log("performance")
            if json.loads(entry["message"])["message"]["method"] == "Network.requestWillBeSent"]


def test_a_large_tree_starts_folded_with_scripts_and_the_search_unfolds_it(scripts_on: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    page, ontology = _write_guide(ROOT / "examples" / "ontologies" / "retail-taxonomy.yaml", tmp_path)
    _open(scripts_on, page)
    answer = _deepest_answer(ontology)
    assert {"shown": False, "hit": False} in scripts_on.execute_script(ITEM_STATE, answer)
    scripts_on.find_element(By.ID, "q").send_keys(answer)
    assert {"shown": True, "hit": True} in scripts_on.execute_script(ITEM_STATE, answer)


@pytest.mark.parametrize("mode", ["scripts_off", "scripts_on"])
def test_hostile_titles_stay_text_in_the_browser(mode: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    driver = request.getfixturevalue(mode)
    page, _ = _write_guide(HOSTILE, tmp_path)
    loaded = _open(driver, page)
    assert loaded.requests == [page.as_uri()]
    state = driver.execute_script(
        "return {title: document.title, scripts: document.scripts.length, images: document.images.length,"
        " handlers: document.querySelectorAll('[onmouseover],[onerror]').length,"
        " text: document.querySelector('main').innerText};")
    assert state["title"] == "Annotator guide — labels"  # named after VERSION's file: the set has no project
    assert (state["scripts"], state["images"], state["handlers"]) == (1, 0, 0)
    assert "</bdi><script>document.title='pwned'</script>" in state["text"]
    assert "Car⟨U+202E⟩ gnikraP" in state["text"]


def test_the_readme_shows_a_screenshot_of_a_guide_kept_in_docs(scripts_on: Any, tmp_path: Path) -> None:
    example = ROOT / "examples" / "ontologies" / "autonomous-driving.yaml"
    page, _ = _write_guide(example, tmp_path, Version(str(example.relative_to(ROOT)), None, None, "2024-05-02"))
    _open(scripts_on, page)
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        scripts_on.set_window_size(1200, 1500)
        scripts_on.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "](docs/guide-screenshot.png)" in (ROOT / "README.md").read_text(encoding="utf-8")
