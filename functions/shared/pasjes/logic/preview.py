"""Previewing a request: what a selection of up to a whole organisation would make, and how to
cut it into requests of at most 250 passes.

The counts of the options follow faceted search: each qualification code present among the
chosen holders is listed with the passes it makes under the chosen expiry dates (its own filter,
the codes, left out), and each expiry date with the passes it makes under the chosen codes. So a
checkbox shows what ticking it would add, and an option never disappears because of another.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pasjes.domain import Holder, HolderRow, QualificationType, SkipReason
from pasjes.logic.access import require_registered
from pasjes.logic.pass_requests import Selection, passes_of
from pasjes.rules import MAX_PASSES_PER_REQUEST


@dataclass(frozen=True)
class CodeCount:
    code: str
    name: str
    type: QualificationType
    count: int


@dataclass(frozen=True)
class DateCount:
    day: date
    count: int


def skip_reason(holder: Holder, selection: Selection) -> SkipReason:
    """For a holder that yields no pass under the selection: why (see passes_of)."""
    codes, dates = selection.qualification_codes, selection.expiry_dates
    matching = [
        q
        for q in holder.qualifications
        if (not codes or q.code in codes) and (not dates or q.expiry_date in dates)
    ]
    return SkipReason.WITHDRAWN if matching else SkipReason.NO_MATCH


@dataclass(frozen=True)
class Preview:
    holder_count: int
    pass_count: int
    skipped: tuple[str, ...]
    skipped_reasons: Mapping[str, SkipReason]
    qualification_codes: tuple[CodeCount, ...]
    expiry_dates: tuple[DateCount, ...]
    parts: tuple[tuple[str, ...], ...]


def split_into_parts(
    pass_counts: Iterable[tuple[str, int]], *, limit: int = MAX_PASSES_PER_REQUEST
) -> list[list[str]]:
    """Cut holders (with their pass counts, in selection order) into parts of at most `limit`
    passes, keeping each holder's passes together and the order as chosen.

    Greedy is optimal here: with the order fixed, closing a part only when the next holder does
    not fit gives the fewest parts. A holder who alone exceeds the limit gets a part of their own
    (submitting it is refused, but it is never merged with anyone). Holders without passes are
    left out: each part then yields passes when submitted.
    """
    parts: list[list[str]] = []
    current: list[str] = []
    current_passes = 0
    for number, count in pass_counts:
        if count <= 0:
            continue
        if current and current_passes + count > limit:
            parts.append(current)
            current, current_passes = [], 0
        current.append(number)
        current_passes += count
    if current:
        parts.append(current)
    return parts


def preview_selection(
    selection: Selection, *, rows: Mapping[str, HolderRow], holders: Mapping[str, Holder]
) -> Preview:
    """What submitting the selection would make; `rows` are the organisation's registrations.

    Unknown holders are refused as submit refuses them. Unlike submit, more than 250 passes is
    fine (that is what `parts` are for) and so is none: the options still show what there is.
    """
    numbers: Sequence[str] = selection.qualification_numbers
    require_registered(numbers, rows, holders)
    codes, dates = selection.qualification_codes, selection.expiry_dates
    pass_counts: list[tuple[str, int]] = []
    code_counts: Counter[str] = Counter()
    date_counts: Counter[date] = Counter()
    described: dict[str, CodeCount] = {}
    present_dates: set[date] = set()
    for number in numbers:
        holder, row = holders[number], rows[number]
        pass_counts.append((number, len(passes_of(holder, row, selection))))
        # A pass per qualification, as passes_of makes them with no option chosen.
        for q in holder.qualifications:
            described.setdefault(q.code, CodeCount(q.code, q.name, q.type, 0))
            # Each option counted under the other option's choice only (see the module's doc).
            if not dates or q.expiry_date in dates:
                code_counts[q.code] += 1
            # A qualification without an expiry date is no date option, and no chosen date
            # fits it.
            if q.expiry_date is None:
                continue
            present_dates.add(q.expiry_date)
            if not codes or q.code in codes:
                date_counts[q.expiry_date] += 1
    skipped = tuple(number for number, count in pass_counts if count == 0)
    return Preview(
        holder_count=len(numbers) - len(skipped),
        pass_count=sum(count for _, count in pass_counts),
        skipped=skipped,
        skipped_reasons={n: skip_reason(holders[n], selection) for n in skipped},
        qualification_codes=tuple(
            dataclasses.replace(described[code], count=code_counts[code])
            for code in sorted(described)
        ),
        expiry_dates=tuple(DateCount(day, date_counts[day]) for day in sorted(present_dates)),
        parts=tuple(tuple(part) for part in split_into_parts(pass_counts)),
    )
