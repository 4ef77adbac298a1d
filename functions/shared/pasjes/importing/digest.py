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

from pasjes.domain import Holder, HolderRow, Organisation

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


def rows_hash(rows: Sequence[HolderRow]) -> str:
    """The hash of an organisation's list (rows in qualification-number order)."""
    return content_hash(rows)


def organisation_hash(organisation: Organisation) -> str:
    return content_hash(organisation)


def contacts_hash(organisation: Organisation, emails: Iterable[str]) -> str:
    """The memberships as stored: their emails and the organisation's name copied into each."""
    return content_hash((organisation.name, sorted(emails)))
