"""Content hashes: what lets an import tell what changed without reading what is loaded.

A hash covers the value as the portal stores it (a holder, an organisation's list rows, its
item, its contact persons), encoded as MessagePack; FORMAT is part of every hash, so a change
in what is stored makes the next import write everything once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from pasjes.domain import Holder, HolderRow, Organisation, RowQualification
from pasjes.text import NAME_KEYS_VERSION

if TYPE_CHECKING:
    import msgspec

FORMAT: Final = b"pasjes-import-1"


@cache
def _encoder() -> msgspec.msgpack.Encoder:
    import msgspec

    return msgspec.msgpack.Encoder()


def content_hash(value: Any) -> str:
    """16 hex digits (64 bits): a chance collision among a million values is about 1 in 10^7."""
    return hashlib.blake2b(_encoder().encode(value), digest_size=8, person=FORMAT[:16]).hexdigest()


def holder_hash(holder: Holder) -> str:
    return content_hash(holder)


def rows_hash(registered: Sequence[tuple[str, str, str | None]]) -> str:
    """The hash of an organisation's list: of its (qualification number, holder hash, external
    number) in number order. A row is made from the holder and the external number alone
    (HolderRow.of), so this is the list's hash without making 250,000 rows; the rows' fields
    are part of it, so a row that gains a field makes every list new once, and so is the
    version of the keys a row derives from the name (search and sort), so a new rule reaches
    every stored row."""
    return content_hash(
        (HolderRow._fields, RowQualification._fields, NAME_KEYS_VERSION, registered)
    )


def organisation_hash(organisation: Organisation) -> str:
    return content_hash(organisation)


def contacts_hash(organisation: Organisation, emails: Iterable[str]) -> str:
    """The memberships as stored: their emails and the organisation's name copied into each."""
    return content_hash((organisation.name, sorted(emails)))
