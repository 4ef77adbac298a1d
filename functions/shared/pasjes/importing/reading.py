"""Reading a dataset's files: a folder of CSV files or one JSON file, as records to check."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from infra.ops.dataset.building import build
from infra.ops.dataset.model import FIELDS, OMISSIBLE_COLUMNS, Dataset, Record


def parse(path: Path | str) -> Dataset:
    """Read a dataset from a folder of CSV files or from one JSON file."""
    path = Path(path)
    if path.is_dir():
        return parse_folder(path)
    return parse_json(path)


def parse_folder(path: Path | str) -> Dataset:
    folder = Path(path)
    errors: list[str] = []
    tables = {table: list(_read_csv(folder / f"{table}.csv", table, errors)) for table in FIELDS}
    return build(tables, errors)


def parse_json(path: Path | str) -> Dataset:
    file = Path(path)
    errors: list[str] = []
    tables = _read_json(file, errors)
    return build(tables, errors)


def _decode(file: Path, errors: list[str]) -> str | None:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        errors.append(f"{file.name}: file not found")
        return None
    try:
        # utf-8-sig: spreadsheet programs put a byte order mark in front of a UTF-8 export.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        errors.append(f"{file.name}:{line}: not UTF-8 text (byte {data[error.start]:#04x})")
        return None


def _read_csv(file: Path, table: str, errors: list[str]) -> Iterator[Record]:
    text = _decode(file, errors)
    if text is None:
        return
    expected = FIELDS[table]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        errors.append(f"{file.name}:1: empty file; expected the header {','.join(expected)}")
        return
    except csv.Error as error:
        errors.append(f"{file.name}:1: {error}")
        return
    missing = [f for f in expected if f not in header and f not in OMISSIBLE_COLUMNS]
    unknown = [h for h in header if h not in expected]
    if missing or unknown or len(set(header)) != len(header):
        errors.append(
            f"{file.name}:1: the header must name the columns {','.join(expected)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )
        return
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append(f"{file.name}:{line}: {error}")
            return
        where = f"{file.name}:{line}"
        # A quoted value may span lines; the next row starts after the last line this one used.
        line = reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            errors.append(f"{where}: {len(cells)} values where the header has {len(header)}")
            continue
        values = dict.fromkeys(expected, "")
        values.update((h, c.strip()) for h, c in zip(header, cells, strict=True))
        yield Record(where, values)


def _read_json(file: Path, errors: list[str]) -> dict[str, list[Record]]:
    tables: dict[str, list[Record]] = {table: [] for table in FIELDS}
    text = _decode(file, errors)
    if text is None:
        return tables
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        errors.append(f"{file.name}:{error.lineno}: not valid JSON: {error.msg}")
        return tables
    if not isinstance(document, dict):
        errors.append(f"{file.name}: expected an object with the lists {', '.join(FIELDS)}")
        return tables
    for key in sorted(set(document) - set(FIELDS)):
        errors.append(f"{file.name}: unknown list {key!r}")
    for table, fields in FIELDS.items():
        items = document.get(table, [])
        if not isinstance(items, list):
            errors.append(f"{file.name}: {table} must be a list")
            continue
        for index, item in enumerate(items):
            where = f"{file.name}:{table}[{index}]"
            values = _json_values(where, item, fields, errors)
            if values is not None:
                tables[table].append(Record(where, values))
    return tables


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
