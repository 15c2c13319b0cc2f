"""One archive with the database and the uploaded files, and its way back.

The archive is a gzipped tar holding the database (`database.sqlite3` from SQLite's online
backup API, or `database.dump` from `pg_dump --format=custom`), the files of MEDIA_ROOT under
`media/`, and `manifest.json` with the SHA-256 of every member. Generic on purpose: nothing here
knows a domain app.

The database is dumped first and the files read after it, so a file uploaded meanwhile is at
worst an extra file nothing refers to.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connections
from django.utils import timezone

from core.caches import clear_process_caches
from core.models import AuditEntry

logger = logging.getLogger(__name__)

FORMAT = "consulta-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
# pg_restore fails instead of waiting for ever on a table a running application holds.
PG_LOCK_TIMEOUT = "-c lock_timeout=30s"
# What reading a damaged or foreign archive raises (BadGzipFile is an OSError, zlib.error not).
_UNREADABLE = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    backend: str
    media_files: int
    database_bytes: int
    # Restore only: files in MEDIA_ROOT that were not in the archive, removed.
    media_removed: int = 0


def backend_of(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


# The database -----------------------------------------------------------------------------------


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    conf = connections[alias].settings_dict
    args = ["--dbname", str(conf["NAME"]), "--no-password"]
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        # The command is pg_dump or pg_restore with the settings' connection: no outside input.
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client programs."
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(alias: str, backend: str, target: Path) -> None:
    if backend == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite could not copy the database: {exc}.") from None
        finally:
            destination.close()
        return
    args, env = _pg_args(alias)
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target), *args], env
    )


def _refuse_in_transaction(alias: str, what: str) -> None:
    # Inside a transaction SQLite's backup API waits for ever on the transaction's own lock,
    # pg_restore on the locks it holds, and pg_dump would miss its uncommitted writes.
    if connections[alias].in_atomic_block:
        raise BackupError(f"A {what} cannot run inside a transaction: run it on its own.")


@contextmanager
def _outside_transactions(alias: str) -> Iterator[None]:
    """Django's connection closed around the load, so it holds no lock and no cached state of
    the database being replaced; the next query opens a fresh connection onto the new one."""
    _refuse_in_transaction(alias, "restore")
    connection = connections[alias]
    # SQLite's in-memory test database ignores close(): it would be destroyed otherwise.
    connection.close()
    try:
        yield
    finally:
        connection.close()


def _load_database(alias: str, backend: str, dump: Path) -> None:
    with _outside_transactions(alias):
        if backend == "sqlite":
            _load_sqlite(alias, dump)
            return
        args, env = _pg_args(alias)
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {PG_LOCK_TIMEOUT}".strip()
        # One transaction: a restore that fails part way leaves the database as it was.
        _run(
            [
                "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl",
                "--single-transaction", "--exit-on-error", *args, str(dump),
            ],
            env,
        )  # fmt: skip


def _load_sqlite(alias: str, dump: Path) -> None:
    connection = connections[alias]
    source = sqlite3.connect(dump)
    try:
        connection.ensure_connection()
        # Page by page into the live database, under SQLite's own lock: all or nothing.
        source.backup(connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not load the archive's database: {exc}.") from None
    finally:
        source.close()


def holds_data(alias: str = "default") -> bool:
    """True when the database has an account or an audit entry: restoring would replace them."""
    tables = set(connections[alias].introspection.table_names())
    return any(
        model._meta.db_table in tables and model._default_manager.using(alias).exists()
        for model in (get_user_model(), AuditEntry)
    )


# The files ---------------------------------------------------------------------------------------


# Inside MEDIA_ROOT (so on its file system), the archive's files are gathered here before the
# database is replaced; left behind only by a restore that was killed, and never backed up.
STAGING_PREFIX = ".restoring-"


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and not path.is_symlink()
        and not path.relative_to(root).parts[0].startswith(STAGING_PREFIX)
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Hashing(io.RawIOBase):
    """A reader that hashes what tarfile reads: the checksum is of exactly the bytes stored."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _safe_path(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(path.parts)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\x00" not in name
        and path.as_posix() == name
    )


# Backup -----------------------------------------------------------------------------------------


def create_backup(archive: Path, *, alias: str = "default") -> Summary:
    """Write the database and MEDIA_ROOT into one archive at `archive`."""
    backend = backend_of(alias)
    media_root = Path(settings.MEDIA_ROOT)
    _check_target(archive, media_root)
    _refuse_in_transaction(alias, "backup")
    partial = archive.with_name(archive.name + ".partial")
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DUMP_NAMES[backend]
        _dump_database(alias, backend, dump)
        try:
            count = _write_archive(partial, backend, dump, media_root)
            # Renamed only once complete: an interrupted backup never leaves a plausible archive.
            partial.replace(archive)
        except OSError as exc:
            raise BackupError(f"Could not write {archive}: {exc}.") from None
        finally:
            partial.unlink(missing_ok=True)
        size = dump.stat().st_size
    logger.info("Backed up a %s database and %s media files", backend, count)
    return Summary(backend, count, size)


def _check_target(archive: Path, media_root: Path) -> None:
    if not archive.parent.is_dir():
        raise BackupError(f"No directory {archive.parent} to write the archive in.")
    if archive.is_dir():
        raise BackupError(f"{archive} is a directory: name the archive file to write.")
    if archive.resolve().is_relative_to(media_root.resolve()):
        raise BackupError("Write the archive outside MEDIA_ROOT: the next backup would hold it.")


def _write_archive(partial: Path, backend: str, dump: Path, media_root: Path) -> int:
    with partial.open("wb") as out:
        with tarfile.open(fileobj=out, mode="w:gz") as tar:
            media = []
            for path in _media_files(media_root):
                relative = path.relative_to(media_root).as_posix()
                digest = _add_file(tar, path, MEDIA_PREFIX + relative)
                if digest is not None:
                    media.append({"path": relative, "sha256": digest})
            database = {"name": dump.name, "sha256": _add_file(tar, dump, dump.name)}
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "backend": backend,
                "database": database,
                "media": media,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        out.flush()
        os.fsync(out.fileno())
    return len(media)


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> str | None:
    """Add one file and return its SHA-256; None if it was deleted since it was listed."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        info = tar.gettarinfo(arcname=arcname, fileobj=handle)
        reader = _Hashing(handle)
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


# Restore ----------------------------------------------------------------------------------------


def restore_backup(archive: Path, *, force: bool = False, alias: str = "default") -> Summary:
    """Replace the database and MEDIA_ROOT with the archive's; refuse over data without force.

    Everything is read and checked against the manifest, and the files are gathered inside
    MEDIA_ROOT, before the database or a file is replaced: a bad archive, a full disk or a
    MEDIA_ROOT that cannot be written changes nothing."""
    backend = backend_of(alias)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch)
        manifest = _read_and_stage(archive, staged, backend=backend)
        if not force:
            _refuse_to_replace(alias, media_root)
        dump = staged / manifest["database"]["name"]
        wanted = {item["path"] for item in manifest["media"]}
        gathered = _gather_media(staged / "media", media_root, wanted)
        try:
            _load_database(alias, backend, dump)
        except BaseException:
            shutil.rmtree(gathered, ignore_errors=True)
            raise
        try:
            removed = _install_media(gathered, media_root, wanted)
        except OSError as exc:
            for cache in caches.all():
                cache.clear()
            clear_process_caches()
            raise BackupError(
                f"The database was restored, but the uploaded files could not all be put in place "
                f"({exc.strerror or exc}). Free some space or fix the permissions of "
                f"{media_root}, then run the restore again with --force."
            ) from None
        size = dump.stat().st_size
    # Cached pages and memos describe the database that was replaced.
    for cache in caches.all():
        cache.clear()
    clear_process_caches()
    logger.info("Restored a %s backup with %s media files", backend, len(wanted))
    return Summary(backend, len(wanted), size, removed)


def _refuse_to_replace(alias: str, media_root: Path) -> None:
    if holds_data(alias):
        raise BackupError(
            "The database already holds accounts or audit entries; restoring would replace "
            "them. Restore into an empty database, or pass --force to replace it."
        )
    if _media_files(media_root):
        raise BackupError(
            f"MEDIA_ROOT ({media_root}) already holds files; restoring would replace them. "
            "Empty it, or pass --force to replace them."
        )


def _open(archive: Path) -> tarfile.TarFile:
    if not archive.is_file():
        raise BackupError(f"No archive at {archive}.")
    try:
        return tarfile.open(archive, "r:gz")
    except _UNREADABLE:
        raise BackupError(
            f"{archive} is not a gzipped tar archive made by `consulta backup`."
        ) from None


def _read_and_stage(archive: Path, scratch: Path, *, backend: str) -> dict[str, Any]:
    try:
        with _open(archive) as tar:
            members = {member.name: member for member in tar.getmembers()}
            manifest = read_manifest(tar, members)
            if manifest["backend"] != backend:
                raise BackupError(
                    f"The archive holds a {manifest['backend']} database; this Consulta runs on "
                    f"{backend}. Restore it on {manifest['backend']}."
                )
            _stage(tar, members, manifest, scratch)
    except _UNREADABLE as exc:
        raise BackupError(f"The archive {archive} is damaged: {exc}.") from None
    return manifest


def read_manifest(
    tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo] | None = None
) -> dict[str, Any]:
    """The archive's manifest, checked; BackupError naming what is wrong otherwise."""
    member = (members or {m.name: m for m in tar.getmembers()}).get(MANIFEST)
    if member is None:
        raise BackupError("The archive has no manifest.json: it is not a Consulta backup.")
    handle = tar.extractfile(member) if member.isfile() else None
    if handle is None:
        raise BackupError("The archive's manifest.json is not a file.")
    try:
        manifest = json.loads(handle.read())
    except ValueError:
        raise BackupError("The archive's manifest.json is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive's manifest does not describe a Consulta backup.")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"The archive is backup format version {manifest.get('version')}; "
            f"this Consulta reads version {VERSION}."
        )
    if manifest.get("backend") not in DUMP_NAMES:
        raise BackupError("The archive's manifest names no known database backend.")
    _check_listing(manifest)
    return manifest


def _check_listing(manifest: dict[str, Any]) -> None:
    database: Any = manifest.get("database")
    media: Any = manifest.get("media")
    if not _is_entry(database, "name") or database["name"] != DUMP_NAMES[manifest["backend"]]:
        raise BackupError("The archive's manifest names no database dump.")
    if not isinstance(media, list) or not all(_is_entry(item, "path") for item in media):
        raise BackupError("The archive's manifest lists its files wrongly.")
    for item in media:
        if not _safe_path(item["path"]):
            raise BackupError(f"The archive names a file outside MEDIA_ROOT: {item['path']!r}.")
    if len({item["path"] for item in media}) != len(media):
        raise BackupError("The archive's manifest lists a file twice.")


def _is_entry(item: Any, key: str) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get(key), str)
        and isinstance(item.get("sha256"), str)
    )


def _stage(
    tar: tarfile.TarFile,
    members: dict[str, tarfile.TarInfo],
    manifest: dict[str, Any],
    scratch: Path,
) -> None:
    """Every member the manifest lists, extracted into scratch and checked."""
    database = manifest["database"]
    _extract_checked(tar, members, database["name"], database["sha256"], scratch / database["name"])
    for item in manifest["media"]:
        target = scratch / "media" / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        _extract_checked(tar, members, MEDIA_PREFIX + item["path"], item["sha256"], target)


def _extract_checked(
    tar: tarfile.TarFile,
    members: dict[str, tarfile.TarInfo],
    name: str,
    expected: str,
    target: Path,
) -> None:
    member = members.get(name)
    source = tar.extractfile(member) if member is not None and member.isfile() else None
    if source is None:
        raise BackupError(f"The archive lacks {name}, which its manifest lists.")
    with target.open("xb") as out:
        shutil.copyfileobj(source, out)
    if _sha256(target) != expected:
        raise BackupError(
            f"{name} in the archive does not match its checksum: the archive is damaged."
        )


def _gather_media(staged: Path, media_root: Path, wanted: set[str]) -> Path:
    """The archive's files copied into a folder inside MEDIA_ROOT, before anything is replaced:
    if the disk is full or MEDIA_ROOT cannot be written, the restore stops here and the
    database and the files are as they were."""
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        gathered = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    except OSError as exc:
        raise BackupError(
            f"Nothing was restored: {media_root} cannot be written ({exc.strerror or exc})."
        ) from None
    try:
        for relative in sorted(wanted):
            target = gathered / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged / relative, target)
    except OSError as exc:
        shutil.rmtree(gathered, ignore_errors=True)
        raise BackupError(
            f"Nothing was restored: the uploaded files could not be written into {media_root} "
            f"({exc.strerror or exc}). Free some space or fix its permissions, then run the "
            "restore again."
        ) from None
    return gathered


def _install_media(gathered: Path, media_root: Path, wanted: set[str]) -> int:
    """MEDIA_ROOT made to hold exactly the archive's files, moved from where they were gathered
    (renames on one file system: no space needed, each file replaced in one step, so a reader
    sees the old file or the new, never half); returns how many others it removed."""
    removed = 0
    for path in _media_files(media_root):
        if path.relative_to(media_root).as_posix() not in wanted:
            path.unlink()
            removed += 1
    # Emptied folders go too, so that an archive's file may take the place of one.
    for directory in sorted(media_root.rglob("*"), reverse=True):
        inside = directory.relative_to(media_root).parts[0].startswith(STAGING_PREFIX)
        if (
            not inside
            and directory.is_dir()
            and not directory.is_symlink()
            and not any(directory.iterdir())
        ):
            directory.rmdir()
    for relative in sorted(wanted):
        target = media_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        (gathered / relative).replace(target)
    # This restore's folder, emptied now, and any a killed restore left.
    for leftover in media_root.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return removed
