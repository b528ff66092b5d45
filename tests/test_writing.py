"""The write and its read-back, against the emulator: edits that land between the last read and the write,
during the apply or after it, a read-back that fails, a retried write that had landed, and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ango_ontology.backups import BackupStore
from ango_ontology.cli import main
from ango_ontology.hub.emulator import Emulator, RecordedRequest
from ango_ontology.hub.local import LocalHub

ONTOLOGY = """project: {id: PROJECT}
tools:
  - bounding-box: Vehicle
classifications:
  - radio: Weather
    options: [Sunny, Rainy]
"""
UI_EDIT = {"tools": [{"tool": "point", "title": "Added in the web UI", "schemaId": "ui"}],
           "classifications": [], "relations": []}


class Run:
    """`apply` in-process against the emulator, with the backups in a scratch folder."""

    def __init__(self, tmp_path: Path, emulator: Emulator, local_hub: LocalHub,
                 capsys: pytest.CaptureFixture[str]) -> None:
        self.emulator, self.store, self.capsys = emulator, local_hub, capsys
        self.backups = tmp_path / "backups"
        self.project = local_hub.create_project("P", "")["_id"]
        self.file = tmp_path / "o.yaml"
        self.file.write_text(ONTOLOGY.replace("PROJECT", self.project))

    def apply(self, *flags: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["apply", str(self.file), "--hub", self.emulator.url, "--auto-approve",
                     "--backup-dir", str(self.backups), *flags])
        out, err = self.capsys.readouterr()
        return code, out, err

    def schema(self) -> Any:
        return self.store.get_project(self.project)["categorySchema"]

    def backups_left(self) -> list[Path]:
        return [backup.path for backup in BackupStore(self.backups).list(self.project)]

    def once(self, when: Callable[[RecordedRequest], bool], then: Callable[[], None], nth: int = 1) -> None:
        """Do `then` on the emulator's side when the `nth` request matching `when` arrives."""
        seen = []

        def hook(request: RecordedRequest) -> None:
            if when(request):
                seen.append(request)
                if len(seen) == nth:
                    self.emulator.on_request = None
                    then()
        self.emulator.on_request = hook

    def is_write(self, request: RecordedRequest) -> bool:
        return request.method == "POST" and request.path == f"/v2/project/{self.project}" and \
            "categorySchema" in (request.json() or {})

    def write_seen(self) -> bool:
        return any(self.is_write(r) for r in self.emulator.requests)


@pytest.fixture
def run(tmp_path: Path, emulator: Emulator, emulator_api_key: str, local_hub: LocalHub,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("ANGO_API_KEY", emulator_api_key)
    return Run(tmp_path, emulator, local_hub, capsys)


def test_an_edit_between_the_last_read_and_the_write_is_refused_by_the_precondition(run: Run) -> None:
    run.once(run.is_write, lambda: run.store.create_label_set(run.project, UI_EDIT))
    code, _, err = run.apply()
    assert code == 1
    assert f"another writer changed project {run.project} between this run's last read and its write; the hub " \
           "refused the write and nothing was written: run plan again" in err
    assert run.schema() == UI_EDIT  # the web UI's edit is kept
    assert run.backups_left() == []  # nothing was written, so nothing to roll back


def test_an_edit_during_the_usage_count_makes_the_apply_stale_before_any_write(run: Run) -> None:
    assert run.apply()[0] == 0
    run.store.upload_files_cloud(run.project, [{"data": "https://example.invalid/1.png", "externalId": "1"}])
    run.file.write_text(run.file.read_text().replace(", Rainy", ""))
    # The second export: the first counts for the plan shown, the second inside the apply's lock.
    run.once(lambda r: r.path.startswith("/v2/export"), lambda: run.store.create_label_set(run.project, UI_EDIT),
             nth=2)
    run.emulator.requests.clear()
    code, _, err = run.apply("--allow-destructive")
    assert code == 1 and f"project {run.project} changed while this run went on" in err
    assert "nothing was written" in err and not run.write_seen()
    assert run.schema() == UI_EDIT


def test_a_change_that_lands_after_the_write_is_reported_as_another_writer_with_the_backup(run: Run) -> None:
    def after_the_write(request: RecordedRequest) -> bool:
        return request.method == "GET" and run.write_seen()

    ui_tool = {"tool": "polygon", "title": "Drawn in the UI meanwhile", "schemaId": "meanwhile"}
    run.once(after_the_write, lambda: run.store.create_label_set(
        run.project, {**run.schema(), "tools": [*run.schema()["tools"], ui_tool]}))
    code, _, err = run.apply()
    assert code == 1
    assert f"another writer changed project {run.project} during the apply" in err
    assert "create tool Drawn in the UI meanwhile" in err
    (backup,) = run.backups_left()
    assert f"The label set read just before the write is saved in {backup}" in err
    assert f"ango-ontology rollback {run.project}" in err


def test_a_read_back_that_fails_says_the_write_happened_and_names_the_backup(run: Run) -> None:
    def after_the_write(request: RecordedRequest) -> bool:
        return request.method == "GET" and run.write_seen()

    run.once(after_the_write, lambda: setattr(run.emulator.faults, "fail_next", 1) or
             setattr(run.emulator.faults, "fail_status", 400))
    code, _, err = run.apply()
    assert code == 1
    (backup,) = run.backups_left()
    assert f"the label set was written to project {run.project}, but reading it back failed" in err
    assert str(backup) in err and "run plan to see what it holds now" in err
    assert [t["title"] for t in run.schema()["tools"]] == ["Vehicle"]


def test_a_retried_write_that_had_landed_is_not_mistaken_for_another_writer(run: Run) -> None:
    planned: dict[str, Any] = {}

    def land_then_drop() -> None:  # the hub stores the write, but the answer never reaches the client
        request = [r for r in run.emulator.requests if run.is_write(r)][-1]
        planned.update(request.json()["categorySchema"])
        run.store.create_label_set(run.project, planned)
        run.emulator.faults.drop_next = 1

    run.once(run.is_write, land_then_drop)
    code, out, err = run.apply()
    assert code == 0, err
    assert "verified" in out and run.schema() == planned
    assert sum(run.is_write(r) for r in run.emulator.requests) == 2  # the retry met the 412


def test_a_write_that_landed_unanswered_and_was_then_overwritten_keeps_its_backup_and_says_so(run: Run) -> None:
    before = run.schema() if run.store.get_project(run.project).get("categorySchema") else None
    writes: list[RecordedRequest] = []

    def hook(request: RecordedRequest) -> None:
        if not run.is_write(request):
            return
        writes.append(request)
        if len(writes) == 1:  # the write lands, but its answer is lost
            run.store.create_label_set(run.project, request.json()["categorySchema"])
            run.emulator.faults.drop_next = 1
        elif len(writes) == 2:  # someone edits in the web UI before the retry arrives
            run.store.create_label_set(run.project, UI_EDIT)

    run.emulator.on_request = hook
    code, _, err = run.apply()
    assert code == 1 and len(writes) == 2 and run.schema() == UI_EDIT
    assert "may have happened and then been changed by another writer" in err
    assert "nothing was written" not in err
    (backup,) = run.backups_left()
    assert str(backup) in err and json.loads(backup.read_text())["category_schema"] == before


@pytest.mark.parametrize(("moment", "said"), [("before", "apply interrupted: nothing was written"),
                                              ("after", "apply interrupted: project {project} was written (the "
                                                        "label set before it is saved in ")])
def test_ctrl_c_during_an_apply_says_whether_anything_was_written(run: Run, moment: str, said: str) -> None:
    def when(request: RecordedRequest) -> bool:
        if moment == "before":
            return request.method == "GET" and request.path == f"/v2/project/{run.project}"
        return request.method == "GET" and run.write_seen()

    run.once(when, lambda: os.kill(os.getpid(), signal.SIGINT))  # a real Ctrl-C, in the middle of a request
    code, _, err = run.apply()
    assert code == 130
    assert said.format(project=run.project) in err
    assert bool(run.schema()["tools"]) is (moment == "after")
    assert len(run.backups_left()) == (1 if moment == "after" else 0)


def test_a_refused_write_through_the_api_reports_as_stale_and_names_no_backup(run: Run) -> None:
    run.once(run.is_write, lambda: run.store.create_label_set(run.project, UI_EDIT))
    code, out, err = run.apply()
    assert code == 1 and "backup" not in out + err
    assert json.dumps(run.schema()) == json.dumps(UI_EDIT)


def test_a_refused_rollback_says_to_run_rollback_again_never_plan(run: Run) -> None:
    assert run.apply()[0] == 0
    run.once(run.is_write, lambda: run.store.create_label_set(run.project, UI_EDIT))
    run.capsys.readouterr()
    code = main(["rollback", run.project, "--hub", run.emulator.url, "--auto-approve", "--allow-destructive",
                 "--backup-dir", str(run.backups)])
    err = run.capsys.readouterr().err
    assert code == 1 and "nothing was written: run rollback again to see what it would change now" in err
    assert "plan" not in err.replace("planned", "")
    assert run.schema() == UI_EDIT


def _fail_this_and_next(run: Run, count: int) -> Callable[[], None]:
    def fail() -> None:
        run.emulator.faults.fail_status, run.emulator.faults.fail_next = 400, count
    return fail


def test_a_failed_write_whose_project_cannot_be_read_says_it_may_have_happened(run: Run) -> None:
    run.once(run.is_write, _fail_this_and_next(run, 2))
    code, _, err = run.apply()
    assert code == 1 and "could not be read back: the write may have happened" in err
    (backup,) = run.backups_left()
    assert str(backup) in err


def test_a_failed_write_after_which_the_project_holds_something_else_names_the_backup(run: Run) -> None:
    def edit_and_fail() -> None:
        run.store.create_label_set(run.project, UI_EDIT)
        _fail_this_and_next(run, 1)()

    run.once(run.is_write, edit_and_fail)
    code, _, err = run.apply()
    (backup,) = run.backups_left()
    assert code == 1 and "holds neither the old nor the planned label set" in err and str(backup) in err


def test_a_failed_write_that_left_the_project_untouched_keeps_no_backup(run: Run) -> None:
    run.once(run.is_write, _fail_this_and_next(run, 1))
    code, _, err = run.apply()
    assert code == 1 and "Nothing was changed" in err and run.backups_left() == []


def test_the_journal_says_what_each_write_left_in_its_project(local_hub: LocalHub, tmp_path: Path) -> None:
    from ango_ontology.hub.base import label_set_fingerprint
    from ango_ontology.writing import Journal, Wording, Write

    empty = local_hub.create_project("P", "")
    before = label_set_fingerprint(empty)
    edited = label_set_fingerprint({"categorySchema": UI_EDIT})
    assert Journal().report(local_hub) == "nothing was written"
    journal = Journal(Wording(rollback=True))
    backup = tmp_path / "b.json"
    for project, desired, done in [(empty["_id"], edited, True), (empty["_id"], "sha256:other", False),
                                   ("0" * 24, edited, False)]:
        journal.start(Write(project, backup, before, desired, done))
    report = journal.report(local_hub)
    assert report.startswith(f"project {empty['_id']} was written (the label set before it is saved in {backup}); ")
    assert f"nothing was written to project {empty['_id']} (its write was sent but not answered" in report
    assert f"run `ango-ontology pull {empty['_id']}` to see what it holds now)" in report
    assert "plan" not in report
    assert report.endswith(f"project {'0' * 24} may have been written: it could not be read back (the label set "
                           f"before it is saved in {backup}; run `ango-ontology pull {'0' * 24}` to see what it "
                           "holds now)")
    local_hub.create_label_set(empty["_id"], UI_EDIT)
    assert Journal().start(Write(empty["_id"], backup, before, edited)).state(local_hub, Wording()).startswith(
        f"project {empty['_id']} was written")
    assert "holds neither its old nor the planned label set" in \
        Write(empty["_id"], backup, before, "sha256:x").state(local_hub, Wording())


# -- a project created, or a label set written, before a failure is always said -----------------------------

def _by_name(run: Run) -> None:
    run.file.write_text(ONTOLOGY.replace("{id: PROJECT}", "{name: Brand new}"))


def _created(run: Run) -> str:
    (created,) = [p["_id"] for p in run.store.list_projects() if p["name"] == "Brand new"]
    return str(created)


def test_a_refused_write_after_creating_the_project_names_it_with_its_id_and_the_line_to_pin_it(run: Run) -> None:
    _by_name(run)

    def refuse_next() -> None:
        run.emulator.faults.fail_status, run.emulator.faults.fail_next = 400, 1

    run.once(lambda r: r.method == "POST" and "categorySchema" in (r.json() or {}), refuse_next)
    code, out, err = run.apply()
    created = _created(run)
    assert code == 1 and f"project 'Brand new' was created with id {created}" in err
    assert f'project: {{id: {created}, name: "Brand new"}}' in err
    assert f"failed: {created}" in out and "Brand new (new)" not in out + err


def test_ctrl_c_after_creating_the_project_says_it_was_created(run: Run) -> None:
    _by_name(run)
    run.once(lambda r: r.method == "GET" and r.path.startswith("/v2/project/") and
             any(q.method == "POST" and q.path == "/v2/project" for q in run.emulator.requests),
             lambda: os.kill(os.getpid(), signal.SIGINT))
    code, _, err = run.apply()
    created = _created(run)
    assert code == 130 and "nothing was written" not in err
    assert f"apply interrupted: project 'Brand new' was created with id {created}" in err


def test_a_batch_that_fails_after_a_verified_write_says_the_label_set_was_written_and_where_its_backup_is(
        run: Run) -> None:
    run.file.write_text(ONTOLOGY.replace("PROJECT", run.project) + "batches: [Week 1]\n")
    run.once(lambda r: r.method == "POST" and r.path.startswith("/v2/batches/"),
             lambda: setattr(run.emulator.faults, "fail_next", 10))
    code, _, err = run.apply()
    (backup,) = run.backups_left()
    assert code == 1 and "POST /v2/batches/" in err
    assert f"the label set of project {run.project} was written and verified" in err and str(backup) in err
    assert [t["title"] for t in run.schema()["tools"]] == ["Vehicle"]
