"""An import's changes to the organisations' lists in the registrations table (its layout is
in `registrations`): a list as stored now, and the writes that make it the import's list,
only of what differs, switching readers at once and only to a complete list."""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist

from pasjes.dal import ItemData, batch_delete
from pasjes.dal.registrations import (
    _HOLDER,
    _LIST,
    _VERSION,
    RegistrationModel,
    _by_exam,
    _chunk_data,
    _decoder,
    _exam_chunks,
    _holder_item_data,
    _items_of,
    _key,
    _ordered,
    _Switch,
    _switch_all,
)
from pasjes.domain import HolderRow


@dataclass(frozen=True)
class StoredList:
    """An organisation's list as stored now: its version and rows (from its L# chunks alone,
    about one item per 1,000 holders). Every other item of the list follows from the rows, so
    the import compares what it would write with what these rows made, and reads no more."""

    version: str | None = None
    rows: tuple[HolderRow, ...] = ()
    # The keys of its L# chunks, which the list's next version replaces.
    chunk_keys: tuple[str, ...] = ()
    content_hash: str | None = None

    def by_number(self) -> dict[str, HolderRow]:
        return {row.qualification_number: row for row in self.rows}


def stored_list(organisation_id: str) -> StoredList:
    """The organisation's list as the last import left it (consistent reads)."""
    try:
        item = RegistrationModel.get(organisation_id, _VERSION, consistent_read=True)
    except DoesNotExist:
        return StoredList()
    prefix = _LIST if item.chunks is None else f"{_LIST}{item.version}#"
    chunks = sorted(
        (chunk.entry_key, chunk.rows or b"")
        for chunk in RegistrationModel.query(
            organisation_id,
            RegistrationModel.entry_key.startswith(prefix),
            consistent_read=True,
        )
    )
    rows = tuple(row for _, data in chunks for row in _decoder().decode(zlib.decompress(data)))
    return StoredList(item.version, rows, tuple(key for key, _ in chunks), item.content_hash)


@dataclass(frozen=True)
class ListUpdate:
    """An organisation's list as an import would have it, and as it is stored now."""

    organisation_id: str
    rows: Iterable[HolderRow]
    stored: StoredList
    content_hash: str


def update_lists(updates: Iterable[ListUpdate]) -> int:
    """Make each update's rows its organisation's list, writing only the H# and X# items that
    differ from those `stored` made (only the rows that changed are looked at) and deleting
    those no longer needed; a list's chunks and version change only when the list did, so warm
    containers keep their cached lists. Readers switch at once and only to a complete list (see
    `rows_of_organisation`). Returns the items written."""
    written = 0

    def switches() -> Iterator[_Switch]:
        nonlocal written
        for update in updates:
            switch = _switch_of(update)
            if isinstance(switch, int):
                written += switch
            else:
                yield switch

    switched = _switch_all(switches())  # first: it counts `written` as it goes
    return written + switched


def _switch_of(update: ListUpdate) -> _Switch | int:
    """What moves the list to the update's rows, or the items written when its rows are
    those stored (the version then stays)."""
    organisation_id, stored = update.organisation_id, update.stored
    new = {row.qualification_number: row for row in update.rows}
    old = {row.qualification_number: row for row in stored.rows}
    touched = {n for n, row in new.items() if old.get(n) != row} | (old.keys() - new.keys())
    if not touched and stored.version is not None:
        if stored.content_hash != update.content_hash:
            # The same list under a hash of another import format: keep the version (and the
            # containers' cached lists), but note the hash.
            RegistrationModel(organisation_id, _VERSION).update(
                actions=[RegistrationModel.content_hash.set(update.content_hash)]
            )
            return 1
        return 0
    changed: list[ItemData] = []
    stale = [f"{_HOLDER}{n}" for n in sorted(old.keys() - new.keys())]
    for number in sorted(touched & new.keys()):
        item = _holder_item_data(organisation_id, new[number])
        if number not in old or _holder_item_data(organisation_id, old[number]) != item:
            changed.append(item)
    exams = {
        e.upper() for n in touched for r in (old.get(n), new.get(n)) if r for e in r.exam_numbers
    }
    new_ordered, old_ordered = _ordered(new.values()), _ordered(old.values())
    new_exams, old_exams = _by_exam(new_ordered), _by_exam(old_ordered)
    for exam_number in sorted(exams):
        now = _exam_chunks(organisation_id, exam_number, new_exams.get(exam_number, []))
        was = {
            _key(c): c
            for c in _exam_chunks(organisation_id, exam_number, old_exams.get(exam_number, []))
        }
        changed += [c for c in now if was.get(_key(c)) != c]
        stale += sorted(was.keys() - {_key(c) for c in now})
    version = secrets.token_hex(8)
    chunks = _chunk_data(organisation_id, f"{_LIST}{version}#", new_ordered)
    stale += stored.chunk_keys
    return _Switch(
        organisation_id, [*changed, *chunks], len(chunks), version, stale, update.content_hash
    )


def remove_list(organisation_id: str, stored: StoredList) -> int:
    """Drop the organisation's list: the version first, so readers see an empty list at once."""
    if stored.version is None:
        return 0
    RegistrationModel(organisation_id, _VERSION).delete()
    items, _ = _items_of(organisation_id, stored.rows, stored.version)
    keys = [_key(item) for item in items] + list(stored.chunk_keys)
    gone = (RegistrationModel(organisation_id, key) for key in keys)
    return batch_delete(RegistrationModel, gone) + 1
