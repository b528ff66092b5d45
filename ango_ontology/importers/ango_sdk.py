"""Label sets built with the official Ango SDK read into ontology models: a Python file, or their JSON.

A Python file is run the way the `.py` loader runs definitions, with the SDK importable (also under the
`ango` name its documentation uses). Its label set is what it passes to `create_label_set` (recorded,
never sent: the SDK can send no request during the run), else its `tools`, `classifications` and
`relations` lists. Ids and colours the SDK made up at random are left out; ids the file gave are kept.
A JSON file is a categorySchema (or a project holding one); its schemaIds are not carried over.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import runpy
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import InputError
from ..model import Classification, Ontology
from ..wire import from_category_schema
from .build import tidy
from .json_source import parse
from .notes import Notes, Place

JSON = dict[str, Any]
_ALIASES = ("", ".sdk", ".models", ".models.label_category")


def read(text: str, notes: Notes, path: str) -> Ontology:
    if Path(path).suffix == ".py":
        schema, generated = _run(path)
        ontology = _models(schema, notes, keep_ids=True, generated=generated)
    else:
        ontology = _models(_schema_of(parse(text, path), path), notes, keep_ids=False, generated=_Made())
    tidy(ontology, notes)
    return ontology


def _schema_of(data: Any, path: str) -> JSON:
    """The categorySchema in a JSON file: the schema itself, `{"categorySchema": …}`, or a get_project answer."""
    for keys in ((), ("categorySchema",), ("project", "categorySchema"), ("data", "project", "categorySchema")):
        found = data
        for key in keys:
            found = found.get(key) if isinstance(found, dict) else None
        if isinstance(found, dict) and any(k in found for k in ("tools", "classifications", "relations")):
            return found
    raise InputError(f"{path}: no categorySchema here (an object with `tools`, `classifications` or `relations`)")


# --- running a Python definition -----------------------------------------------------------------------

@dataclass
class _Made:
    """What the SDK made up during the run: random ids and colours, and the label sets it was asked to push."""

    ids: set[str] = field(default_factory=set)
    colors: set[str] = field(default_factory=set)
    pushed: list[JSON] = field(default_factory=list)


class _RequestRefused(Exception):
    def __init__(self, endpoint: str) -> None:
        super().__init__(endpoint)
        self.endpoint = endpoint


def _run(path: str) -> tuple[JSON, _Made]:
    made = _Made()
    with _recording(made) as label_category:
        try:
            namespace = runpy.run_path(path, run_name="__ango_ontology__")
        except _RequestRefused as refused:
            raise InputError(f"{path}: the file asks Ango Hub for {refused.endpoint} while it runs; an import sends "
                             "no request: build the label set's objects only") from None
        except Exception as error:  # the user's code may raise anything: it is their file's problem
            raise InputError(f"{path}{_line(error, path)}: running the file raised {type(error).__name__}: "
                             f"{error}") from None
        if made.pushed:
            return made.pushed[-1], made
        return _from_names(namespace, label_category, path), made


def _from_names(namespace: dict[str, Any], label_category: ModuleType, path: str) -> JSON:
    lists = {name: namespace.get(name) for name in ("tools", "classifications", "relations")}
    if not any(isinstance(value, list) and value for value in lists.values()):
        raise InputError(f"{path}: found no label set: the file should call create_label_set(…) or set `tools`, "
                         "`classifications` or `relations` to lists of the SDK's categories")
    schema: JSON = {}
    for name, value in lists.items():
        items = value if isinstance(value, list) else []
        if not all(isinstance(item, label_category.Category) for item in items):
            raise InputError(f"{path}: `{name}` holds something that is not an SDK category "
                             "(ToolCategory, ClassificationCategory, RelationCategory)")
        schema[name] = [copy.deepcopy(item).toDict() for item in items]  # toDict changes the object it is called on
    return schema


def _line(error: BaseException, path: str) -> str:
    trace, line, target = error.__traceback__, 0, str(Path(path).resolve())
    while trace is not None:
        if str(Path(trace.tb_frame.f_code.co_filename).resolve()) == target:
            line = trace.tb_lineno
        trace = trace.tb_next
    return f":{line}" if line else ""


@contextmanager
def _recording(made: _Made) -> Iterator[ModuleType]:
    """The SDK, for the run only: random ids and colours noted, create_label_set recorded, every request refused."""
    try:
        import imerit_ango.sdk as sdk
        from imerit_ango.models import label_category
    except ImportError:
        raise InputError("importing an Ango SDK definition needs the official SDK: pip install ango") from None

    class _Uuid:
        @staticmethod
        def uuid4() -> uuid.UUID:
            value = uuid.uuid4()
            made.ids.add(value.hex)
            return value

    def random_color() -> str:
        value: str = original_color()
        made.colors.add(value)
        return value

    def create_label_set(_self: Any, project_id: str, tools: Any = None, classifications: Any = None,
                         relations: Any = None, raw_category_schema: Any = None) -> JSON:
        made.pushed.append(raw_category_schema if isinstance(raw_category_schema, dict) else {
            "tools": [copy.deepcopy(t).toDict() for t in tools or []],
            "classifications": [copy.deepcopy(c).toDict() for c in classifications or []],
            "relations": [copy.deepcopy(r).toDict() for r in relations or []]})
        return {"status": "success", "data": {}}

    def make_request(_self: Any, method: str, endpoint: str, payload: Any = None) -> Any:
        raise _RequestRefused(f"{method} {endpoint}")

    original_color = label_category.random_color
    saved = (label_category.uuid, original_color, sdk.SDK.create_label_set, sdk.SDK.make_request)
    aliased = importlib.util.find_spec("ango") is None
    modules = {f"ango{suffix}": sys.modules[f"imerit_ango{suffix}"] for suffix in _ALIASES}
    label_category.uuid = _Uuid  # type: ignore[assignment]
    label_category.random_color = random_color
    sdk.SDK.create_label_set = create_label_set  # type: ignore[method-assign]
    sdk.SDK.make_request = make_request  # type: ignore[method-assign]
    if aliased:
        sys.modules.update(modules)
    try:
        yield label_category
    finally:
        (label_category.uuid, label_category.random_color, sdk.SDK.create_label_set,  # type: ignore[method-assign]
         sdk.SDK.make_request) = saved
        if aliased:
            for name in modules:
                sys.modules.pop(name, None)


# --- the categorySchema as models ----------------------------------------------------------------------

def _models(schema: JSON, notes: Notes, *, keep_ids: bool, generated: _Made) -> Ontology:
    """Models from the schema: conditions as `when:`, made-up ids and colours left out."""
    ontology = from_category_schema(json.loads(json.dumps(schema, default=str)), tied=False)
    dropped = 0
    for item in ontology.walk():
        if item.id is not None and (not keep_ids or item.id in generated.ids):
            dropped += item.id not in generated.ids
            item.id = None
        color = getattr(item, "color", None)
        if color is not None and color in generated.colors:
            item.color = None  # type: ignore[union-attr]
        if isinstance(item, Classification):
            _condition(item, notes)
    if dropped:
        notes.warn(Place(), f"the schemaIds of {dropped} nodes are not carried over: each node gets an id from its "
                            "titles, and `plan` matches the nodes of a project that has them by title "
                            "(to keep a live project's ids, use `ango-ontology pull`)")
    return ontology


def _condition(node: Classification, notes: Notes) -> None:
    if node.parent_option_id is None:
        return
    if node.when is None:
        notes.warn(Place(node.title), f"parentOptionId {node.parent_option_id!r} of '{node.title}' names no option "
                                      "of its parent: the question is always shown")
    node.parent_option_id = None
