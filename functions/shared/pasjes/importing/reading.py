"""Reading a dataset: a folder of CSV files, one JSON file, or an export (a ZIP of the CSV
files with a manifest, or the JSON form with the manifest inside; either may be gzipped).

Records are read lazily, table by table, so an export of a national registry is never held as
a list of records: only as the dataset it builds.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pasjes.importing.building import build
from pasjes.importing.manifest import MANIFEST_FILE, Manifest, ManifestError, parse_manifest
from pasjes.importing.model import FIELDS, OMISSIBLE_COLUMNS, Dataset, DatasetError, Record
from pasjes.rules import MAX_EXPORT_UNPACKED_BYTES

# The name the JSON form's problems are reported under.
JSON_EXPORT = "export.json"
_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"
_CHUNK = 1024 * 1024
# A member damaged, not the size the archive's directory says (its CRC then differs),
# compressed in a way Python cannot read, or encrypted.
_UNREADABLE_MEMBER = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)

# A file's bytes when first needed (None when the file is missing: reported by the reader).
Source = Callable[[], bytes | None]


def parse(path: Path | str) -> Dataset:
    """Read a dataset from a folder of CSV files or from one JSON file."""
    path = Path(path)
    if path.is_dir():
        return parse_folder(path)
    return parse_json(path)


def parse_folder(path: Path | str) -> Dataset:
    folder = Path(path)
    errors: list[str] = []
    tables = {
        table: _read_csv(f"{table}.csv", _file_source(folder / f"{table}.csv"), table, errors)
        for table in FIELDS
    }
    return build(tables, errors)


def parse_json(path: Path | str) -> Dataset:
    file = Path(path)
    errors: list[str] = []
    tables = _read_json(file.name, _file_source(file), errors, allow_manifest=False)[0]
    return build(tables, errors)


def unpacked(payload: bytes) -> bytes:
    """The export without its gzip wrapping, if it has one."""
    if payload[:2] != _GZIP:
        _check_size("export: larger than", len(payload))
        return payload
    # In chunks, stopped past the limit: a gzip bomb never unpacks whole.
    limit = MAX_EXPORT_UNPACKED_BYTES
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(payload)) as unzipped:
            while chunk := unzipped.read(_CHUNK):
                if out.tell() + len(chunk) > limit:
                    _check_size("export: unpacked larger than", limit + 1)
                out.write(chunk)
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError([f"export: not a readable gzip file ({error})"]) from None
    return out.getvalue()


def _check_size(what: str, size: int) -> None:
    limit = MAX_EXPORT_UNPACKED_BYTES
    if size > limit:
        raise DatasetError([f"{what} {limit // (1024 * 1024)} MB, more than an export can be"])


def _check_members(members: dict[str, zipfile.ZipInfo]) -> None:
    """The files an import reads, by their sizes in the archive's directory (a member is never
    read past its size): a ZIP bomb is refused before a byte of it is unpacked."""
    read = [MANIFEST_FILE, *(f"{table}.csv" for table in FIELDS)]
    _check_size(
        "export: its files unpacked together larger than",
        sum(members[name].file_size for name in read if name in members),
    )


def fingerprint(payload: bytes) -> tuple[Manifest, str] | None:
    """A ZIP export's manifest and a hash of its five files as they are and of what they cover
    (the manifest's scope and organisations, not its id and time): an export the same as the
    last loaded but for its id and time is known by it without reading a row. None for the JSON
    form, or when the manifest is not right (then `parse_export` says what is wrong); raises
    DatasetError for an export larger than the import reads."""
    payload = unpacked(payload)
    if payload[:4] != _ZIP:
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile:
        return None
    members = _members(archive)
    _check_members(members)
    manifest = _zip_manifest(archive, members, [])
    if manifest is None:
        return None
    try:
        return manifest, _files_hash(archive, members, manifest)
    except _UNREADABLE_MEMBER:
        return None


def _files_hash(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], manifest: Manifest
) -> str:
    digest = hashlib.sha256()
    # A full export with the files of a partial one loaded before removes what the partial
    # one left alone: not the same export.
    digest.update(json.dumps([manifest.scope, sorted(manifest.organisations)]).encode())
    for table in FIELDS:
        info = members.get(f"{table}.csv")
        data = archive.read(info) if info is not None else b""
        digest.update(f"{table}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def content_hash(payload: bytes) -> str | None:
    """The JSON form's hash: of the document as sent (its manifest included), so that an
    exportId loaded before and sent again with other content is known as such. None for a ZIP
    (`fingerprint` hashes its files)."""
    payload = unpacked(payload)
    if payload[:4] == _ZIP:
        return None
    return "json:" + hashlib.sha256(payload).hexdigest()


def parse_export(payload: bytes) -> tuple[Manifest, Dataset]:
    """An export object's manifest and dataset. DatasetError lists every problem, the
    manifest's included (as `manifest.json: ...`)."""
    payload = unpacked(payload)
    errors: list[str] = []
    manifest: Manifest | None = None
    if payload[:4] == _ZIP:
        try:
            archive = zipfile.ZipFile(io.BytesIO(payload))
        except zipfile.BadZipFile as error:
            raise DatasetError([f"export: not a readable ZIP file ({error})"]) from None
        members = _members(archive)
        _check_members(members)
        manifest = _zip_manifest(archive, members, errors)
        tables = {
            table: _read_csv(
                f"{table}.csv", _member_source(archive, members.get(f"{table}.csv")), table, errors
            )
            for table in FIELDS
        }
    else:
        tables, document_manifest = _read_json(
            JSON_EXPORT, lambda: payload, errors, allow_manifest=True
        )
        if document_manifest is None:
            errors.append(f"{JSON_EXPORT}: no manifest (an object under the key 'manifest')")
        else:
            manifest = _manifest_of(document_manifest, errors)
    dataset = build(tables, errors)
    if manifest is None:
        raise DatasetError(errors or [f"{MANIFEST_FILE}: missing"])
    return manifest, dataset


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's files by base name (a zipped folder puts them one level down)."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.is_dir() or info.filename.startswith("__MACOSX/"):
            continue
        members.setdefault(info.filename.rsplit("/", 1)[-1], info)
    return members


def _zip_manifest(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], errors: list[str]
) -> Manifest | None:
    info = members.get(MANIFEST_FILE)
    if info is None:
        errors.append(f"{MANIFEST_FILE}: file not found in the export")
        return None
    if info.file_size > MAX_EXPORT_UNPACKED_BYTES:
        errors.append(f"{MANIFEST_FILE}: larger than an export can be")
        return None
    try:
        document = json.loads(archive.read(info).decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        errors.append(f"{MANIFEST_FILE}: not valid JSON ({error})")
        return None
    except _UNREADABLE_MEMBER as error:
        errors.append(f"{MANIFEST_FILE}: not readable in the ZIP file ({error})")
        return None
    return _manifest_of(document, errors)


def _manifest_of(document: Any, errors: list[str]) -> Manifest | None:
    try:
        return parse_manifest(document)
    except ManifestError as error:
        errors.extend(str(error).split("; "))
        return None


def _file_source(file: Path) -> Source:
    def read() -> bytes | None:
        try:
            return file.read_bytes()
        except FileNotFoundError:
            return None

    return read


def _member_source(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> Source:
    return lambda: None if info is None else archive.read(info)


def _decode(name: str, source: Source, errors: list[str]) -> str | None:
    try:
        data = source()
    except _UNREADABLE_MEMBER as error:
        errors.append(f"{name}: not readable in the ZIP file ({error})")
        return None
    if data is None:
        errors.append(f"{name}: file not found")
        return None
    try:
        # utf-8-sig: spreadsheet programs put a byte order mark in front of a UTF-8 export.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        errors.append(f"{name}:{line}: not UTF-8 text (byte {data[error.start]:#04x})")
        return None


def _read_csv(name: str, source: Source, table: str, errors: list[str]) -> Iterator[Record]:
    text = _decode(name, source, errors)
    if text is None:
        return
    expected = FIELDS[table]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    del text
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        errors.append(f"{name}:1: empty file; expected the header {','.join(expected)}")
        return
    except csv.Error as error:
        errors.append(f"{name}:1: {error}")
        return
    missing = [f for f in expected if f not in header and f not in OMISSIBLE_COLUMNS]
    unknown = [h for h in header if h not in expected]
    if missing or unknown or len(set(header)) != len(header):
        errors.append(
            f"{name}:1: the header must name the columns {','.join(expected)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )
        return
    line = reader.line_num + 1
    # The omissible columns the header leaves out, as empty values.
    absent = {f: "" for f in expected if f not in header}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append(f"{name}:{line}: {error}")
            return
        where = f"{name}:{line}"
        # A quoted value may span lines; the next row starts after the last line this one used.
        line = reader.line_num + 1
        if not "".join(cells).strip():
            continue
        if len(cells) != len(header):
            errors.append(f"{where}: {len(cells)} values where the header has {len(header)}")
            continue
        # Built by map and zip rather than a loop of our own: a national export has 1.1
        # million rows.
        values = dict(zip(header, map(str.strip, cells), strict=True))
        if absent:
            values.update(absent)
        yield Record(where, values)


def _read_json(
    name: str, source: Source, errors: list[str], *, allow_manifest: bool
) -> tuple[dict[str, Any], Any]:
    """The tables' records (lazily made) and the document's manifest, if it has one."""
    tables: dict[str, Any] = {table: iter(()) for table in FIELDS}
    text = _decode(name, source, errors)
    if text is None:
        return tables, None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        errors.append(f"{name}:{error.lineno}: not valid JSON: {error.msg}")
        return tables, None
    del text
    if not isinstance(document, dict):
        errors.append(f"{name}: expected an object with the lists {', '.join(FIELDS)}")
        return tables, None
    allowed = set(FIELDS) | ({"manifest"} if allow_manifest else set())
    for key in sorted(set(document) - allowed):
        errors.append(f"{name}: unknown list {key!r}")
    for table in FIELDS:
        tables[table] = _json_records(name, table, document.pop(table, []), errors)
    return tables, document.get("manifest")


def _json_records(name: str, table: str, items: Any, errors: list[str]) -> Iterator[Record]:
    if not isinstance(items, list):
        errors.append(f"{name}: {table} must be a list")
        return
    fields = FIELDS[table]
    for index, item in enumerate(items):
        where = f"{name}:{table}[{index}]"
        values = _json_values(where, item, fields, errors)
        if values is not None:
            yield Record(where, values)


def _json_values(
    where: str, item: Any, fields: tuple[str, ...], errors: list[str]
) -> dict[str, str] | None:
    if not isinstance(item, dict):
        errors.append(f"{where}: expected an object with {', '.join(fields)}")
        return None
    problems = [f"unknown field {k!r}" for k in item if k not in fields]
    values: dict[str, str] = {}
    for field in fields:
        value = item.get(field)
        if value is None:
            values[field] = ""
        elif isinstance(value, str):
            values[field] = value.strip()
        else:
            # A number would silently lose leading zeros of a qualification number.
            problems.append(f"{field} must be a string")
    if problems:
        errors.extend(f"{where}: {p}" for p in problems)
        return None
    return values


def manifest_in(payload: bytes) -> Manifest | None:
    """An export's manifest alone, its rows unread (what names its report); None when it cannot
    be read or is not right."""
    errors: list[str] = []
    try:
        payload = unpacked(payload)
    except DatasetError:
        return None
    if payload[:4] == _ZIP:
        try:
            archive = zipfile.ZipFile(io.BytesIO(payload))
        except zipfile.BadZipFile:
            return None
        return _zip_manifest(archive, _members(archive), errors)
    try:
        document = json.loads(payload.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(document, dict):
        return None
    return _manifest_of(document.get("manifest"), errors)
