"""Run a `.py` definition and take its `ontology`; whatever the file does wrong is its own problem, with its line.

The definition's own folder is importable while it runs (it may keep shared pieces next to it),
and `sys.path` and the modules imported from that folder are put back afterwards, so loading two
definitions never mixes their helpers. `sys.exit()` in the file is reported, not obeyed: exit
codes belong to the command line.
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from .errors import OntologyInvalid, Problem
from .messages import pydantic_sentence
from .model import Ontology


def run_definition(name: str) -> Ontology:
    """The `ontology` a Python definition sets; OntologyInvalid, naming the file and line, for anything else."""
    try:
        with _importable(os.path.dirname(os.path.abspath(name))):
            namespace = runpy.run_path(name, run_name="__ango_ontology__")
    except SyntaxError as error:
        where = error.filename or name
        raise OntologyInvalid([Problem(f"Python syntax error: {error.msg}", "", where, error.lineno or 0,
                                       error.offset or 0)]) from None
    except SystemExit as error:
        line = _user_line(error, name)
        raise OntologyInvalid([Problem(f"the file calls sys.exit({error.code!r}): a definition sets `ontology` "
                                       "and must not end the program", "", name, line, 1 if line else 0)]) from None
    except ValidationError as error:
        line = _user_line(error, name)
        said = [f"{error.title}: {pydantic_sentence([dict(item)], tuple(item['loc']))}"
                for item in error.errors(include_url=False)]
        raise OntologyInvalid([Problem(message, "", name, line, 1 if line else 0) for message in said]) from None
    except Exception as error:  # the user's code may raise anything; report it as their file's problem
        line = _user_line(error, name)
        raise OntologyInvalid([Problem(f"running the file raised {type(error).__name__}: {error}", "",
                                       name, line, 1 if line else 0)]) from None
    ontology = namespace.get("ontology")
    if not isinstance(ontology, Ontology):
        got = "nothing" if ontology is None else type(ontology).__name__
        raise OntologyInvalid([Problem(f"a Python definition must set `ontology` to an Ontology; found {got}",
                                       "", name)])
    return ontology


@contextmanager
def _importable(folder: str) -> Iterator[None]:
    """`folder` first on `sys.path` while the definition runs; its modules forgotten afterwards."""
    saved_path = list(sys.path)
    before = set(sys.modules)
    sys.path.insert(0, folder)
    try:
        yield
    finally:
        sys.path[:] = saved_path
        for module_name in set(sys.modules) - before:
            if _inside(getattr(sys.modules[module_name], "__file__", None), folder):
                del sys.modules[module_name]


def _inside(path: str | None, folder: str) -> bool:
    return path is not None and os.path.abspath(path).startswith(folder + os.sep)


def _user_line(error: BaseException, name: str) -> int:
    """The last line of the definition itself that the error passed through (0 when none)."""
    trace = error.__traceback__
    line = 0
    target = os.path.abspath(name)
    while trace is not None:
        if os.path.abspath(trace.tb_frame.f_code.co_filename) == target:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line
