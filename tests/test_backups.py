"""Backups: atomic files that record who, when, which plan and which git commit; found again by name."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest

from ango_ontology.backups import BackupStore, atomic_write, git_commit
from ango_ontology.errors import InputError


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                          cwd=folder, capture_output=True, text=True, check=True).stdout.strip()


def test_backup_records_the_git_commit_of_the_ontology_file(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    source = tmp_path / "ontology.yaml"
    source.write_text("tools: []\n")
    _git(tmp_path, "add", "ontology.yaml")
    _git(tmp_path, "commit", "-qm", "first")
    head = _git(tmp_path, "rev-parse", "HEAD")
    store = BackupStore(tmp_path / "backups")
    path = store.save("p1", {"tools": []}, hub="local:x", plan_fingerprint="sha256:abc", source=str(source))
    record = json.loads(path.read_text())
    assert record["git_commit"] == head
    assert record["plan_fingerprint"] == "sha256:abc" and record["applied_by"]
    source.write_text("tools: [] # edited\n")
    assert git_commit(str(source)) == head + "+dirty"


def test_no_git_commit_outside_a_repository(tmp_path: Path) -> None:
    source = tmp_path / "o.yaml"
    source.write_text("")
    assert git_commit(str(source)) is None
    assert git_commit(None) is None


def test_backups_are_listed_oldest_first_and_found_by_name(tmp_path: Path) -> None:
    store = BackupStore(tmp_path)
    first = store.save("p/1", None, hub="h", plan_fingerprint=None, source=None)
    second = store.save("p/1", {"tools": []}, hub="h", plan_fingerprint=None, source=None)
    assert [b.path for b in store.list("p/1")] == [first, second]
    assert store.find("p/1", None).path == second
    assert store.find("p/1", first.stem).category_schema is None
    assert store.find("p/1", str(first)).path == first
    with pytest.raises(InputError, match="no backup 'nope'"):
        store.find("p/1", "nope")


def test_unreadable_backup_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "p" / "x.json"
    broken.parent.mkdir()
    broken.write_text("{not json")
    with pytest.raises(InputError, match="not a readable backup"):
        BackupStore(tmp_path).find("p", None)


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.json"
    target.write_text("old")

    def disk_full(_: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("ango_ontology.backups.os.fsync", disk_full)
    with pytest.raises(InputError, match=r"cannot write .*disk full"):
        atomic_write(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_atomic_write_keeps_the_file_mode_and_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "labels.yaml"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    atomic_write(link, b"new")
    assert link.is_symlink() and target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_look_alike_project_ids_keep_their_backups_apart(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups")
    ids = ["a/b", "a_b", "a%2Fb", "A", "é", "a.b"]
    for project in ids:
        store.save(project, {"tools": [], "classifications": [], "relations": [], "who": project},
                   hub="h", plan_fingerprint=None, source=None)
    assert len({store.folder(project) for project in ids}) == len(ids)
    for project in ids:
        (backup,) = store.list(project)
        assert backup.project == project and backup.category_schema is not None
        assert backup.category_schema["who"] == project


@pytest.mark.parametrize("project", ["..", ".", "../outside", "/etc", ".hidden", "", "a/../../b"])
def test_backup_folders_stay_inside_the_backup_root(tmp_path: Path, project: str) -> None:
    root = tmp_path / "deep" / "backups"
    outside = tmp_path / "deep" / "stolen.json"
    outside.parent.mkdir()
    outside.write_text(json.dumps({"project": project, "created_at": "x", "applied_by": "y",
                                   "category_schema": None}))
    store = BackupStore(root)
    folder = store.folder(project)
    assert folder.parent == root and not folder.name.startswith(".")
    assert store.list(project) == []
    path = store.save(project, None, hub="h", plan_fingerprint=None, source=None)
    assert path.parent.parent == root
    assert [b.path for b in store.list(project)] == [path]


def test_history_of_dot_dot_reads_nothing_outside_the_folder(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from ango_ontology.cli import main

    root = tmp_path / "backups"
    root.mkdir()
    (tmp_path / "leak.json").write_text(json.dumps({"project": "..", "created_at": "x", "applied_by": "y",
                                                    "category_schema": None}))
    assert main(["history", "..", "--backup-dir", str(root)]) == 0
    assert "No backups of project .." in capsys.readouterr().out


def test_backups_from_before_injective_names_are_still_found_for_their_own_project(tmp_path: Path) -> None:
    legacy = tmp_path / "a_b"
    legacy.mkdir()
    for name, project in (("20240101T000000.000000Z", "a/b"), ("20240102T000000.000000Z", "a_b")):
        (legacy / f"{name}.json").write_text(json.dumps({"project": project, "created_at": name, "applied_by": "u",
                                                         "category_schema": None}))
    store = BackupStore(tmp_path)
    assert [b.created_at for b in store.list("a/b")] == ["20240101T000000.000000Z"]
    assert [b.created_at for b in store.list("a_b")] == ["20240102T000000.000000Z"]


def test_a_unique_prefix_names_a_backup_and_an_ambiguous_one_is_refused(tmp_path: Path) -> None:
    store = BackupStore(tmp_path)
    for stamp in ("20240101T100000.000001Z", "20240101T100000.000002Z", "20240301T090000.000000Z"):
        folder = store.folder("p1")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{stamp}.json").write_text(json.dumps(
            {"project": "p1", "created_at": stamp, "applied_by": "me", "category_schema": None}))
    assert store.find("p1", "202403").name == "20240301T090000.000000Z"
    with pytest.raises(InputError, match="2 backups of project p1 start with '20240101'"):
        store.find("p1", "20240101")


def test_backups_record_the_name_what_the_apply_changed_and_rollbacks(tmp_path: Path) -> None:
    store = BackupStore(tmp_path)
    store.save("p1", None, hub="local", plan_fingerprint=None, source=None, project_name="Cars",
               changes={"create": 2})
    store.save("p2", None, hub="local", plan_fingerprint=None, source=None, project_name="Cars")
    store.save("p3", None, hub="local", plan_fingerprint=None, source=None, project_name="Trucks",
               rollback_to="20240101T100000.000001Z")
    assert store.ids_named("Cars") == ["p1", "p2"] and store.ids_named("Trucks") == ["p3"]
    assert store.list("p1")[0].changes == {"create": 2} and store.list("p3")[0].rollback_to is not None
    assert BackupStore(tmp_path / "none").ids_named("Cars") == []
