import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from core import audit, backup
from core.models import AuditEntry
from tests.builders import make_process, make_user

# Bytes no text codec would keep as they are.
UPLOAD = bytes(range(256)) * 4


def _run(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def _database() -> dict[str, list[dict]]:
    """Every row of every table, in primary-key order."""
    tables = set(connection.introspection.table_names())
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in tables:
            continue
        rows[meta.label] = list(model._base_manager.order_by("pk").values())
    return rows


def _files(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _media(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


def _make_data(settings) -> None:
    user = make_user("keeper@example.org", role="secretariat")
    process = make_process(slug="ahc-backup")
    audit.record("test.backup.first", actor=user, obj=process)
    audit.record("test.backup.second", actor=user, process=process, data={"note": "é, 中文"})
    upload = _media(settings) / "uploads" / "2026" / "brief.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(UPLOAD)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# The round trip -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_the_database_and_files_exactly_as_backed_up(settings, media, tmp_path):
    _make_data(settings)
    database, files = _database(), _files(media)
    entries = AuditEntry.objects.count()
    archive = tmp_path / "consulta.tar.gz"

    printed = _run("backup", str(archive))

    assert f"Backed up the {connection.vendor} database (" in printed
    assert f"bytes) and 1 uploaded files to {archive}." in printed
    assert not archive.with_name("consulta.tar.gz.partial").exists()

    make_user("latecomer@example.org")
    (media / "uploads" / "2026" / "brief.pdf").unlink()
    (media / "added-later.txt").write_text("not in the backup")
    audit.record("test.backup.after", actor=None)
    assert _database() != database and _files(media) != files

    printed = _run("restore", str(archive), "--force")

    assert f"Restored the {connection.vendor} database (" in printed
    assert "1 uploaded files; removed 1 files that were not in the archive." in printed
    assert "consulta verify_audit" in printed
    assert _database() == database
    assert _files(media) == files
    assert audit.find_first_broken() == (entries, None)
    assert f"Audit log intact: {entries} entries verified." in _run("verify_audit")
    # The restored database takes new writes: sequences and the sealed head carry on.
    make_user("after.restore@example.org")
    assert audit.find_first_broken() == (entries + 1, None)


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_installation_needs_no_force(settings, media, tmp_path):
    _make_data(settings)
    database, files = _database(), _files(media)
    entries = AuditEntry.objects.count()
    archive = tmp_path / "consulta.tar.gz"
    _run("backup", str(archive))
    call_command("flush", interactive=False)
    for path in _files(media):
        (media / path).unlink()
    assert not backup.holds_data()

    printed = _run("restore", str(archive))

    assert "1 uploaded files; removed 0 files" in printed
    assert _database() == database
    assert _files(media) == files
    assert f"Audit log intact: {entries} entries verified." in _run("verify_audit")


# Bad input: a clear message, and nothing changed ----------------------------------------------


@pytest.fixture
def archive(settings, media, tmp_path, transactional_db):
    """A good archive of a database with data (committed: a backup runs outside transactions)."""
    _make_data(settings)
    path = tmp_path / "consulta.tar.gz"
    _run("backup", str(path))
    return path


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def _write(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _with_manifest(source: Path, target: Path, change, added: dict | None = None) -> Path:
    """The archive at source, with its manifest edited by `change` and members added."""
    contents = _members(source)
    manifest = json.loads(contents["manifest.json"])
    change(manifest)
    contents["manifest.json"] = json.dumps(manifest).encode()
    contents.update(added or {})
    return _write(target, contents)


def _other_backend(manifest):
    manifest["backend"] = "postgresql" if manifest["backend"] == "sqlite" else "sqlite"
    manifest["database"]["name"] = backup.DUMP_NAMES[manifest["backend"]]


def _escaping(path: str):
    def change(manifest):
        manifest["media"].append({"path": path, "sha256": "0" * 64})

    return change


def _not_a_tar_gz(archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "notes.tar.gz"
    path.write_text("These are my notes, not an archive.")
    return path


def _gzip_not_tar(archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "zipped.tar.gz"
    path.write_bytes(gzip.compress(b"plain text, gzipped"))
    return path


def _truncated(archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cut.tar.gz"
    data = archive.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _no_manifest(archive: Path, tmp_path: Path) -> Path:
    contents = _members(archive)
    del contents["manifest.json"]
    return _write(tmp_path / "bare.tar.gz", contents)


def _damaged_member(archive: Path, tmp_path: Path) -> Path:
    contents = _members(archive)
    contents["media/uploads/2026/brief.pdf"] = UPLOAD[:-1] + b"!"
    return _write(tmp_path / "damaged.tar.gz", contents)


def _damaged_database(archive: Path, tmp_path: Path) -> Path:
    contents = _members(archive)
    name = backup.DUMP_NAMES[connection.vendor]
    contents[name] = contents[name][:-10] + b"0123456789"
    return _write(tmp_path / "damaged-db.tar.gz", contents)


def _missing_member(archive: Path, tmp_path: Path) -> Path:
    contents = _members(archive)
    del contents["media/uploads/2026/brief.pdf"]
    return _write(tmp_path / "short.tar.gz", contents)


BAD_ARCHIVES = {
    "missing": (lambda archive, tmp_path: tmp_path / "nowhere.tar.gz", r"No archive at .*nowhere"),
    "not a tar.gz": (_not_a_tar_gz, r"is not a gzipped tar archive made by `consulta backup`"),
    "gzip but not tar": (_gzip_not_tar, r"is not a gzipped tar archive"),
    "truncated": (_truncated, r"cut\.tar\.gz is damaged: "),
    "no manifest": (_no_manifest, r"has no manifest\.json: it is not a Consulta backup"),
    "damaged member": (
        _damaged_member,
        r"media/uploads/2026/brief\.pdf .*does not match its checksum",
    ),
    "damaged database": (_damaged_database, r"database\.\w+ .*does not match its checksum"),
    "missing member": (_missing_member, r"lacks media/uploads/2026/brief\.pdf"),
    "other backend": (
        lambda archive, tmp_path: _with_manifest(
            archive, tmp_path / "other.tar.gz", _other_backend
        ),
        r"holds a \w+ database; this Consulta runs on \w+",
    ),
    "path escaping MEDIA_ROOT": (
        lambda archive, tmp_path: _with_manifest(
            archive,
            tmp_path / "escape.tar.gz",
            _escaping("../escaped.txt"),
            {"media/../escaped.txt": b"x"},
        ),
        r"names a file outside MEDIA_ROOT: '\.\./escaped\.txt'",
    ),
    "absolute path": (
        lambda archive, tmp_path: _with_manifest(
            archive, tmp_path / "absolute.tar.gz", _escaping(str(tmp_path / "absolute.txt"))
        ),
        r"names a file outside MEDIA_ROOT: '/",
    ),
    "other format version": (
        lambda archive, tmp_path: _with_manifest(
            archive, tmp_path / "v9.tar.gz", lambda manifest: manifest.update(version=9)
        ),
        r"backup format version 9; this Consulta reads version 1",
    ),
}


@pytest.mark.parametrize("case", BAD_ARCHIVES, ids=list(BAD_ARCHIVES))
def test_a_bad_archive_is_refused_and_changes_nothing(case, archive, media, tmp_path):
    make_bad, message = BAD_ARCHIVES[case]
    bad = make_bad(archive, tmp_path)
    database, files = _database(), _files(media)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(bad), "--force")

    assert _database() == database
    assert _files(media) == files
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "absolute.txt").exists()


def test_restoring_over_data_without_force_is_refused(archive, media):
    make_user("latecomer@example.org")
    database, files = _database(), _files(media)

    with pytest.raises(CommandError, match=r"already holds accounts or audit entries.*--force"):
        call_command("restore", str(archive))

    assert _database() == database and _files(media) == files


@pytest.mark.django_db(transaction=True)
def test_restoring_over_uploaded_files_without_force_is_refused(media, tmp_path):
    archive = tmp_path / "empty.tar.gz"
    _run("backup", str(archive))
    media.mkdir(parents=True)
    (media / "kept.txt").write_text("an upload of this installation")

    with pytest.raises(CommandError, match=r"MEDIA_ROOT .* already holds files.*--force"):
        call_command("restore", str(archive))

    assert _files(media) == {"kept.txt": b"an upload of this installation"}


def test_a_full_disk_while_gathering_the_files_changes_nothing(archive, media, monkeypatch):
    # The files are written before the database is replaced: a full disk then leaves both.
    make_user("latecomer@example.org")
    (media / "uploads" / "2026" / "brief.pdf").write_bytes(b"changed since the backup")
    database, files = _database(), _files(media)

    def full(source, target, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup.shutil, "copyfile", full)
    with pytest.raises(CommandError, match=r"Nothing was restored: .*No space left on device"):
        call_command("restore", str(archive), "--force")

    assert _database() == database and _files(media) == files
    assert [p.name for p in media.iterdir()] == ["uploads"]  # nothing left half-gathered


def test_files_left_by_a_killed_restore_are_neither_backed_up_nor_restored(archive, media):
    leftover = media / f"{backup.STAGING_PREFIX}abc" / "uploads" / "old.pdf"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a restore")
    again = archive.with_name("again.tar.gz")
    _run("backup", str(again))

    assert not any(backup.STAGING_PREFIX in name for name in _members(again))
    _run("restore", str(again), "--force")
    assert _files(media) == {"uploads/2026/brief.pdf": UPLOAD}  # the leftover gone too


def test_a_restore_inside_a_transaction_is_refused(archive, media):
    # On PostgreSQL pg_restore would wait for ever on the locks this transaction holds.
    database, files = _database(), _files(media)

    with (
        pytest.raises(CommandError, match=r"A restore cannot run inside a transaction"),
        transaction.atomic(),
    ):
        call_command("restore", str(archive), "--force")

    assert _database() == database and _files(media) == files


def test_a_backup_inside_a_transaction_is_refused(archive, tmp_path):
    # SQLite's backup API would wait for ever on the transaction's own lock.
    with (
        pytest.raises(CommandError, match=r"A backup cannot run inside a transaction"),
        transaction.atomic(),
    ):
        call_command("backup", str(tmp_path / "inside.tar.gz"))

    assert not (tmp_path / "inside.tar.gz").exists()


# Writing the archive --------------------------------------------------------------------------


@pytest.mark.django_db
def test_backup_into_a_missing_directory_is_refused(media, tmp_path):
    target = tmp_path / "no-such-dir" / "consulta.tar.gz"

    with pytest.raises(CommandError, match=r"No directory .*no-such-dir to write the archive in"):
        call_command("backup", str(target))

    assert not (tmp_path / "no-such-dir").exists()


@pytest.mark.django_db
def test_backup_inside_media_root_is_refused(media):
    media.mkdir(parents=True)

    with pytest.raises(CommandError, match=r"outside MEDIA_ROOT"):
        call_command("backup", str(media / "consulta.tar.gz"))

    assert _files(media) == {}


def test_the_archive_appears_only_once_complete(archive, monkeypatch, tmp_path):
    target = tmp_path / "second.tar.gz"
    partial = tmp_path / "second.tar.gz.partial"
    seen = []
    add_bytes = backup._add_bytes

    def spy(tar, name, data):
        # The manifest is written last: everything else is in the partial file by now.
        seen.append((name, target.exists(), partial.exists()))
        add_bytes(tar, name, data)

    monkeypatch.setattr(backup, "_add_bytes", spy)
    _run("backup", str(target))

    assert seen == [("manifest.json", False, True)]
    assert target.exists() and not partial.exists()
    assert _members(target).keys() == _members(archive).keys()


@pytest.mark.parametrize(
    "failure",
    [OSError("No space left on device"), KeyboardInterrupt()],
    ids=["disk full", "interrupted"],
)
def test_a_failure_while_writing_leaves_no_archive(failure, archive, monkeypatch, tmp_path):
    target = tmp_path / "failed.tar.gz"

    def fail(tar, name, data):
        raise failure

    monkeypatch.setattr(backup, "_add_bytes", fail)
    with pytest.raises((CommandError, KeyboardInterrupt)):
        call_command("backup", str(target))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["consulta.tar.gz", "media"]


def test_a_failed_backup_leaves_the_previous_archive_as_it_was(archive, monkeypatch):
    before = archive.read_bytes()

    def fail(tar, name, data):
        raise OSError("No space left on device")

    monkeypatch.setattr(backup, "_add_bytes", fail)
    with pytest.raises(CommandError, match=r"Could not write .*No space left on device"):
        call_command("backup", str(archive))

    assert archive.read_bytes() == before
    assert not archive.with_name(archive.name + ".partial").exists()


def test_the_manifest_lists_every_member_with_its_checksum(archive):
    contents = _members(archive)
    manifest = json.loads(contents["manifest.json"])

    assert manifest["format"] == "consulta-backup" and manifest["version"] == 1
    assert manifest["backend"] == connection.vendor
    assert [item["path"] for item in manifest["media"]] == ["uploads/2026/brief.pdf"]
    assert contents["media/uploads/2026/brief.pdf"] == UPLOAD
    assert set(contents) == {
        "manifest.json",
        manifest["database"]["name"],
        "media/uploads/2026/brief.pdf",
    }


@pytest.mark.django_db(transaction=True)
def test_the_database_is_usable_after_the_restores_above():
    # pytest-django runs the transactional tests last, in file order, so this one follows every
    # restore above: the flush that ends each leaves a working database and a fresh sealed log.
    make_process(slug="after-restores")
    assert audit.find_first_broken() == (1, None)
    assert "Audit log intact: 1 entries verified." in _run("verify_audit")
