"""The imports table: what the registry's import loaded, so the next one writes only what changed.

Items (hash key `kind`, range key `id`):
- `state` / `last`: the last export loaded (`exportId`, `exportedAt`, `loadedAt`), and while an
  import runs, which one (`running`, `runningSince`): a lock taken and released with conditional
  writes, so two racing imports never interleave and an older export never follows a newer one.
- `holders` / `{bucket}`: the content hash of every loaded holder, packed (zlib MessagePack of
  number -> hash) in BUCKETS items by a hash of the number: the whole registry's hashes are read
  in a few hundred items instead of 250,000 (and no Scan).
- `organisation` / `{organisationId}`: one per loaded organisation: the hashes of its item, its
  list and its contact persons, how many holders it lists, and its contact persons' emails.
Only the import reads and writes this table.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from pynamodb.attributes import (
    BinaryAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.models import Model

from pasjes.dal import TableName

_STATE = "state"
_LAST = "last"
_HOLDERS = "holders"
_ORGANISATION = "organisation"
# Enough that each packed item stays far below DynamoDB's 400 KB at millions of holders.
BUCKETS: Final = 256


class ImportModel(Model):
    class Meta:
        table_name = TableName("imports_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    kind = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)
    # state / last
    export_id = UnicodeAttribute(attr_name="exportId", null=True)
    exported_at = UnicodeAttribute(attr_name="exportedAt", null=True)
    loaded_at = UnicodeAttribute(attr_name="loadedAt", null=True)
    running = UnicodeAttribute(null=True)
    running_since = UnicodeAttribute(attr_name="runningSince", null=True)
    # A hash of the last export's files: the same files again need not be read
    fingerprint = UnicodeAttribute(null=True)
    # holders / {bucket}
    hashes = BinaryAttribute(null=True, legacy_encoding=False)
    # organisation / {id}
    item_hash = UnicodeAttribute(attr_name="itemHash", null=True)
    rows_hash = UnicodeAttribute(attr_name="rowsHash", null=True)
    contacts_hash = UnicodeAttribute(attr_name="contactsHash", null=True)
    holders = NumberAttribute(null=True)
    contacts = ListAttribute(of=UnicodeAttribute, null=True)


@dataclass(frozen=True)
class LastLoaded:
    export_id: str | None
    exported_at: str | None  # as `stamp` writes it, so it compares as text
    running: str | None
    running_since: str | None
    fingerprint: str | None = None
    loaded_at: str | None = None


@dataclass(frozen=True)
class OrganisationDigest:
    item_hash: str
    rows_hash: str
    contacts_hash: str
    holders: int
    contacts: tuple[str, ...]  # lower-cased emails


class ImportRunning(Exception):
    """Another import holds the lock."""


class NotNewer(Exception):
    """An export at least as new was loaded meanwhile."""


class StateChanged(Exception):
    """Another import loaded (or started writing) since the state the caller decided on."""


def stamp(moment: datetime) -> str:
    """A UTC time as fixed-width text, so that times compare as strings in conditions."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def last_loaded() -> LastLoaded:
    try:
        item = ImportModel.get(_STATE, _LAST, consistent_read=True)
    except DoesNotExist:
        return LastLoaded(None, None, None, None)
    return LastLoaded(
        item.export_id,
        item.exported_at,
        item.running,
        item.running_since,
        item.fingerprint,
        item.loaded_at,
    )


def _unchanged_since(expected: LastLoaded) -> Any:
    """The state is still `expected`: the same export loaded at the same time, and its files'
    hash not forgotten (an import that started writing forgets it)."""
    condition: Any = None
    for attribute, value in (
        (ImportModel.export_id, expected.export_id),
        (ImportModel.loaded_at, expected.loaded_at),
        (ImportModel.fingerprint, expected.fingerprint),
    ):
        test = attribute.does_not_exist() if value is None else attribute == value
        condition = test if condition is None else condition & test
    return condition


def claim(
    export_id: str,
    exported_at: str | None,
    now: datetime,
    *,
    lock_minutes: int,
    expected: LastLoaded | None = None,
) -> None:
    """Take the lock for this export: only when no other import holds it (or its holder has
    been gone for `lock_minutes`), given `exported_at`, no newer export was loaded, and given
    `expected` (the state the import was decided on), nothing was loaded since.
    ImportRunning, NotNewer or StateChanged."""
    stale = stamp(now - timedelta(minutes=lock_minutes))
    condition = ImportModel.running.does_not_exist() | (ImportModel.running_since < stale)
    if exported_at is not None:
        condition &= ImportModel.exported_at.does_not_exist() | (
            ImportModel.exported_at <= exported_at
        )
    if expected is not None:
        condition &= _unchanged_since(expected)
    try:
        ImportModel(_STATE, _LAST).update(
            actions=[
                ImportModel.running.set(export_id),
                ImportModel.running_since.set(stamp(now)),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        current = last_loaded()
        if exported_at and current.exported_at is not None and current.exported_at > exported_at:
            raise NotNewer from None
        if current.running is not None and (current.running_since or "") >= stale:
            raise ImportRunning from None
        raise StateChanged from None


def renew(export_id: str, now: datetime) -> None:
    """Keep the lock of a long import from being taken over: only if it is still ours,
    else ImportRunning (another import took it over)."""
    try:
        ImportModel(_STATE, _LAST).update(
            actions=[ImportModel.running_since.set(stamp(now))],
            condition=ImportModel.running == export_id,
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise ImportRunning from None


def forget_files(export_id: str) -> None:
    """Before an import writes: the tables will no longer be just the last export's files."""
    ImportModel(_STATE, _LAST).update(
        actions=[ImportModel.fingerprint.remove()], condition=ImportModel.running == export_id
    )


def finish(export_id: str, exported_at: str, now: datetime, fingerprint: str | None = None) -> None:
    """Record the export as the last loaded and release the lock (only if still ours)."""
    try:
        ImportModel(
            _STATE,
            _LAST,
            export_id=export_id,
            exported_at=exported_at,
            loaded_at=stamp(now),
            fingerprint=fingerprint,
        ).save(condition=ImportModel.running == export_id)
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise ImportRunning from None


def release(export_id: str) -> None:
    """Give the lock back without loading (the import failed): only if it is still ours."""
    try:
        ImportModel(_STATE, _LAST).update(
            actions=[ImportModel.running.remove(), ImportModel.running_since.remove()],
            condition=ImportModel.running == export_id,
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def bucket_of(qualification_number: str) -> int:
    return zlib.crc32(qualification_number.encode()) % BUCKETS


def _packer() -> Any:
    import msgspec

    return msgspec.msgpack


def holder_hashes() -> dict[str, str]:
    """Every loaded holder's content hash, by qualification number."""
    msgpack = _packer()
    found: dict[str, str] = {}
    for item in ImportModel.query(_HOLDERS, consistent_read=True):
        found.update(msgpack.decode(zlib.decompress(item.hashes or b""), type=dict[str, str]))
    return found


def put_holder_hashes(hashes: Mapping[str, str], buckets: Iterable[int]) -> int:
    """Write the named buckets of `hashes` (the complete map after the import); returns the
    items written. An empty bucket is deleted."""
    msgpack = _packer()
    wanted = set(buckets)
    packed: dict[int, dict[str, str]] = {b: {} for b in wanted}
    for number, content_hash in hashes.items():
        bucket = bucket_of(number)
        if bucket in wanted:
            packed[bucket][number] = content_hash
    with ImportModel.batch_write() as batch:
        for bucket, entries in packed.items():
            if entries:
                data = zlib.compress(msgpack.encode(dict(sorted(entries.items()))))
                batch.save(ImportModel(_HOLDERS, f"{bucket:03d}", hashes=data))
            else:
                batch.delete(ImportModel(_HOLDERS, f"{bucket:03d}"))
    return len(packed)


def organisation_digests() -> dict[str, OrganisationDigest]:
    return {
        item.id: OrganisationDigest(
            item_hash=item.item_hash or "",
            rows_hash=item.rows_hash or "",
            contacts_hash=item.contacts_hash or "",
            holders=int(item.holders or 0),
            contacts=tuple(str(email) for email in item.contacts or ()),
        )
        for item in ImportModel.query(_ORGANISATION, consistent_read=True)
    }


def write_organisation_digests(put: Mapping[str, OrganisationDigest], delete: Iterable[str]) -> int:
    count = 0
    with ImportModel.batch_write() as batch:
        for organisation_id, digest in put.items():
            batch.save(
                ImportModel(
                    _ORGANISATION,
                    organisation_id,
                    item_hash=digest.item_hash,
                    rows_hash=digest.rows_hash,
                    contacts_hash=digest.contacts_hash,
                    holders=digest.holders,
                    contacts=list(digest.contacts) or None,
                )
            )
            count += 1
        for organisation_id in delete:
            batch.delete(ImportModel(_ORGANISATION, organisation_id))
            count += 1
    return count
