"""The registrations table: which holders are registered at an organisation, as list rows.

Items per organisation (hash key `organisationId`):
- `H#{qualificationNumber}`: one holder's row, for point reads (details, submit);
- `L#{version}#{chunk}`: the organisation's rows packed in chunks, so listing 10,000 holders
  reads about ten items instead of 10,000;
- `X#{examNumber}#{chunk}`: the rows of that exam's holders, so a search by exam number reads
  only that exam's holders.
- `V#`: the version of the organisation's list, new whenever the list changes.
`update_lists` (the import, the only writer) and `replace_rows` keep them in step.

A warm container keeps the last few organisations' decoded lists: one small consistent read of
the version tells whether they are still current, so paging and re-sorting a large organisation
reads one item instead of every chunk.
"""

from __future__ import annotations

import gc
import secrets
import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from pasjes.dal import ItemData, TableName, batch_delete, batch_put
from pasjes.domain import HolderRow

if TYPE_CHECKING:
    import msgspec

_HOLDER = "H#"
_LIST = "L#"
_EXAM = "X#"
_VERSION = "V#"
_CACHED_LISTS = 4
# Rows of about 150 bytes: a chunk stays far below DynamoDB's 400 KB item limit.
CHUNK_ROWS = 1000


# msgspec is imported by the first call that packs or unpacks rows (a list, an exam's holders,
# the import): who am I and the exam types never do, and a cold start skips it.
@cache
def _encoder() -> msgspec.msgpack.Encoder:
    import msgspec

    return msgspec.msgpack.Encoder()


@cache
def _decoder() -> msgspec.msgpack.Decoder[list[HolderRow]]:
    import msgspec

    return msgspec.msgpack.Decoder(list[HolderRow])


class RegistrationModel(Model):
    class Meta:
        table_name = TableName("registrations_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    organisation_id = UnicodeAttribute(hash_key=True, attr_name="organisationId")
    entry_key = UnicodeAttribute(range_key=True, attr_name="entryKey")
    # A holder item (H#) carries one row in these attributes...
    qualification_number = UnicodeAttribute(attr_name="qualificationNumber", null=True)
    name = UnicodeAttribute(null=True)
    name_key = UnicodeAttribute(attr_name="nameKey", null=True)
    birth_date = UnicodeAttribute(attr_name="birthDate", null=True)
    expiry_date = UnicodeAttribute(attr_name="expiryDate", null=True)
    external_number = UnicodeAttribute(attr_name="externalNumber", null=True)
    exam_types = ListAttribute(of=UnicodeAttribute, attr_name="examTypes", null=True)
    exam_numbers = ListAttribute(of=UnicodeAttribute, attr_name="examNumbers", null=True)
    withdrawn = BooleanAttribute(null=True)
    # ...a chunk item (L#, X#) carries many, as compressed MessagePack: a fifth of the bytes
    # (so of the read capacity), decoded by msgspec straight into HolderRow tuples.
    rows = BinaryAttribute(null=True, legacy_encoding=False)
    # ...and the version item (V#) names the current list (its L# chunks are keyed by it), how
    # many chunks it has, and the import's hash of it.
    version = UnicodeAttribute(null=True)
    chunks = NumberAttribute(null=True)
    content_hash = UnicodeAttribute(attr_name="contentHash", null=True)


_decoded: OrderedDict[tuple[str, str], list[HolderRow]] = OrderedDict()


def _row_of_holder_item(item: RegistrationModel) -> HolderRow:
    return HolderRow(
        qualification_number=str(item.qualification_number),
        name=str(item.name),
        name_key=str(item.name_key),
        birth_date=str(item.birth_date),
        expiry_date=item.expiry_date,
        external_number=item.external_number,
        exam_types=tuple(str(t) for t in item.exam_types or ()),
        exam_numbers=tuple(str(n) for n in item.exam_numbers or ()),
        withdrawn=bool(item.withdrawn),
    )


def _holder_item_data(organisation_id: str, row: HolderRow) -> ItemData:
    """A holder's H# item as DynamoDB holds it, made without a Model (the import writes
    250,000 of them); a unit test reads it back through the model."""
    item: ItemData = {
        "organisationId": {"S": organisation_id},
        "entryKey": {"S": f"{_HOLDER}{row.qualification_number}"},
        "qualificationNumber": {"S": row.qualification_number},
        "name": {"S": row.name},
        "nameKey": {"S": row.name_key},
        "birthDate": {"S": row.birth_date},
        "examTypes": {"L": [{"S": t} for t in row.exam_types]},
        "examNumbers": {"L": [{"S": n} for n in row.exam_numbers]},
    }
    if row.expiry_date is not None:
        item["expiryDate"] = {"S": row.expiry_date}
    if row.external_number is not None:
        item["externalNumber"] = {"S": row.external_number}
    if row.withdrawn:
        # Only when true: most holders have nothing withdrawn, and an absent flag reads as false.
        item["withdrawn"] = {"BOOL": True}
    return item


def _chunk_data(organisation_id: str, prefix: str, rows: Sequence[HolderRow]) -> list[ItemData]:
    return [
        {
            "organisationId": {"S": organisation_id},
            "entryKey": {"S": f"{prefix}{start // CHUNK_ROWS:05d}"},
            "rows": {"B": zlib.compress(_encoder().encode(rows[start : start + CHUNK_ROWS]))},
        }
        for start in range(0, len(rows), CHUNK_ROWS)
    ]


def _key(item: ItemData) -> str:
    return str(item["entryKey"]["S"])


def _rows_of_chunks(
    organisation_id: str, prefix: str, *, consistent: bool = False
) -> tuple[list[HolderRow], int]:
    """The rows of the chunks under `prefix`, and how many chunks there were."""
    query = RegistrationModel.query(
        organisation_id,
        RegistrationModel.entry_key.startswith(prefix),
        attributes_to_get=["rows"],
        consistent_read=consistent,
    )
    rows: list[HolderRow] = []
    chunks = 0
    # A chunk decodes into some 4,000 tuples (rows and their qualifications) and no cycle: with
    # the collector on, its passes over them cost a cold 10,000-row list 150 ms (bench.search).
    enabled = gc.isenabled()
    gc.disable()
    try:
        for item in query:
            rows += _decoder().decode(zlib.decompress(item.rows or b""))
            chunks += 1
    finally:
        if enabled:
            gc.enable()
    return rows, chunks


def _current_version(organisation_id: str) -> tuple[str, int | None] | None:
    """The list's version and its number of chunks (None: a list stored before chunks were
    keyed by version, under `L#` alone)."""
    try:
        item = RegistrationModel.get(
            organisation_id,
            _VERSION,
            consistent_read=True,
            attributes_to_get=["version", "chunks"],
        )
    except DoesNotExist:
        return None
    return str(item.version), None if item.chunks is None else int(item.chunks)


# An import may switch the list between reading its version and its chunks (and then delete the
# old chunks): a read that finds fewer chunks than the version names reads again.
_READ_ATTEMPTS = 3


def rows_of_organisation(organisation_id: str) -> list[HolderRow]:
    """Every row of the organisation; callers must not change the list (it may be cached).

    Always one version's whole list: the chunks are keyed by the version, written before it,
    and deleted only after the next version is in place."""
    rows: list[HolderRow] = []
    for _ in range(_READ_ATTEMPTS):
        current = _current_version(organisation_id)
        if current is None:
            return []
        version, chunks = current
        key = (organisation_id, version)
        if (cached := _decoded.get(key)) is not None:
            _decoded.move_to_end(key)
            return cached
        prefix = _LIST if chunks is None else f"{_LIST}{version}#"
        # Consistent, so that what is cached under this version is that version's list.
        rows, found = _rows_of_chunks(organisation_id, prefix, consistent=True)
        if chunks is None or found == chunks:
            _decoded[key] = rows
            while len(_decoded) > _CACHED_LISTS:
                _decoded.popitem(last=False)
            return rows
    return rows


def forget_cached_lists() -> None:
    """Drop the decoded lists this container keeps (the next read fetches every chunk)."""
    _decoded.clear()


def rows_of_exam(organisation_id: str, exam_number: str) -> list[HolderRow]:
    """The rows of an exam's holders; exam numbers are keyed upper-case, so any case finds them."""
    return _rows_of_chunks(organisation_id, f"{_EXAM}{exam_number.upper()}#")[0]


def get_rows(organisation_id: str, qualification_numbers: Iterable[str]) -> dict[str, HolderRow]:
    """The rows of those holders that are registered at the organisation (BatchGet)."""
    keys = [(organisation_id, f"{_HOLDER}{n}") for n in sorted(set(qualification_numbers))]
    return {
        str(item.qualification_number): _row_of_holder_item(item)
        for item in RegistrationModel.batch_get(keys)
    }


def _ordered(rows: Iterable[HolderRow]) -> list[HolderRow]:
    # Stored in the list's default order (by name): sorting what is sorted already is nearly free.
    return sorted(rows, key=lambda r: (r.sort_name or r.name_key, r.qualification_number))


def _by_exam(ordered: Iterable[HolderRow]) -> dict[str, list[HolderRow]]:
    by_exam: dict[str, list[HolderRow]] = defaultdict(list)
    for row in ordered:
        for exam_number in {n.upper() for n in row.exam_numbers}:
            by_exam[exam_number].append(row)
    return by_exam


def _exam_chunks(organisation_id: str, exam_number: str, rows: list[HolderRow]) -> list[ItemData]:
    return _chunk_data(organisation_id, f"{_EXAM}{exam_number}#", rows)


def _items_of(
    organisation_id: str, rows: Iterable[HolderRow], version: str
) -> tuple[list[ItemData], list[ItemData]]:
    """The items that store these rows: H# and X# items, and the list's L# chunks under the
    version."""
    ordered = _ordered(rows)
    items = [_holder_item_data(organisation_id, row) for row in ordered]
    for exam_number, exam_rows in _by_exam(ordered).items():
        items += _exam_chunks(organisation_id, exam_number, exam_rows)
    return items, _chunk_data(organisation_id, f"{_LIST}{version}#", ordered)


@dataclass
class _Switch:
    """One list's move to a new version: the items to write before readers switch to it (its
    changed H# and X# items and its chunks), and the keys it no longer uses after."""

    organisation_id: str
    written: list[ItemData]
    chunks: int
    version: str
    stale: list[str]
    content_hash: str | None

    def version_item(self) -> ItemData:
        return RegistrationModel(
            self.organisation_id,
            _VERSION,
            version=self.version,
            chunks=self.chunks,
            content_hash=self.content_hash,
        ).serialize()


# Lists switched together: their versions fill one BatchWriteItem.
_WINDOW = 25


def _switch_all(switches: Iterable[_Switch]) -> int:
    """For every window of 25 lists: write their items, then switch readers to each new
    version at once, then drop what the old versions used. Items go 25 to a call whatever list
    they belong to, and the versions 25 to a call too: an import of 3,000 organisations makes
    about 4,000 fewer calls than one list after another. An import stopped half-way has lost
    at most one window's writes: every earlier list has switched. Returns the items written."""
    pending = iter(switches)
    written = 0
    while True:
        done: list[_Switch] = []
        written += batch_put(RegistrationModel, _items_of_window(pending, done))
        if not done:
            return written
        written += batch_put(RegistrationModel, [s.version_item() for s in done])
        written += batch_delete(
            RegistrationModel,
            (RegistrationModel(s.organisation_id, key) for s in done for key in s.stale),
        )


def _items_of_window(pending: Iterator[_Switch], done: list[_Switch]) -> Iterator[ItemData]:
    """The items of the next lists of `pending`, a window of them; each list goes into `done`
    once all its items are given."""
    for switch in pending:
        yield from switch.written
        # Only the version and the keys are kept: the items are not held past their write.
        switch.written = []
        done.append(switch)
        if len(done) == _WINDOW:
            return


def replace_rows(organisation_id: str, rows: Iterable[HolderRow]) -> None:
    """Make `rows` the organisation's registrations: write them, drop whatever is not among them."""
    version = secrets.token_hex(8)
    items, chunks = _items_of(organisation_id, rows, version)
    keep = {_key(item) for item in [*items, *chunks]} | {_VERSION}
    existing = RegistrationModel.query(
        organisation_id, attributes_to_get=["organisationId", "entryKey"]
    )
    stale = [item.entry_key for item in existing if item.entry_key not in keep]
    _switch_all([_Switch(organisation_id, [*items, *chunks], len(chunks), version, stale, None)])
