"""The portal's limits, each defined once: what a request may hold, how long it lives, and how
much one contact person may submit.

Plain constants and the arithmetic on them; the API models, the OpenAPI text, the logic and the
data layer all take their numbers from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from pasjes.clock import portal_day_ends, portal_today

# A request and everything derived from it (listing, download, TTL, the bucket's lifecycle).
REQUEST_LIFETIME_DAYS: Final = 7
REQUEST_LIFETIME: Final = timedelta(days=REQUEST_LIFETIME_DAYS)
# Passes in one request: one ZIP a contact person can still handle, and one render's work.
MAX_PASSES_PER_REQUEST: Final = 250
# A presigned download link; never longer than the request it belongs to has left.
DOWNLOAD_URL_SECONDS: Final = 300
# Holders in one preview: a whole organisation (the largest has about 10,000).
MAX_PREVIEW_HOLDERS: Final = 10_000
# Holders in one export ("Exporteer"): a whole organisation, within Lambda's 6 MB answer.
MAX_EXPORT_ROWS: Final = 10_000
# The export's body as it leaves the function (the XLSX base64, the CSV as a JSON string):
# Lambda's 6 MB synchronous answer (6,291,456 bytes), less room for the headers and the rest
# of the answer. Long names can make 10,000 holders larger than this.
MAX_EXPORT_RESPONSE_BYTES: Final = 6_291_456 - 128 * 1024

# Per contact person: requests waiting for or in render at once, and submitted per day.
MAX_PENDING_REQUESTS: Final = 10
MAX_REQUESTS_PER_DAY: Final = 100
# What a person at the pending limit is told to wait: a request renders in about a second, so
# a slot frees within this unless render itself is backed up.
PENDING_RETRY_AFTER_SECONDS: Final = 30


def expires_at(created_at: datetime) -> datetime:
    """When a request made at `created_at` expires: its item's TTL and the end of its links."""
    return created_at + REQUEST_LIFETIME


def expired(expires_at: datetime, *, now: datetime) -> bool:
    """The one definition of "expired", for listing, reading, downloading and rendering: from
    the moment `expires_at` on, a request is gone (410), unlisted and never rendered."""
    return now >= expires_at


def listed_since(now: datetime) -> datetime:
    """The requests created after this moment are the unexpired ones: `expired` turned around
    for the owner's index, which is sorted by creation time."""
    return now - REQUEST_LIFETIME


@dataclass(frozen=True)
class SubmissionQuota:
    """The limits a submission at `day` is counted against.

    The day is the portal's day (pasjes.clock, the date in the Netherlands): "per day" and
    "after midnight" mean what the contact person reads them as.
    """

    max_pending: int
    max_per_day: int
    day: str
    day_ends: datetime

    def seconds_until_next_day(self, now: datetime) -> int:
        return max(1, int((self.day_ends - now).total_seconds()) + 1)


def submission_quota(now: datetime) -> SubmissionQuota:
    today = portal_today(now)
    ends = portal_day_ends(today)
    return SubmissionQuota(
        max_pending=MAX_PENDING_REQUESTS,
        max_per_day=MAX_REQUESTS_PER_DAY,
        day=today.isoformat(),
        day_ends=ends,
    )


# The import's guard against a mistaken export (pasjes.importing.plan): it is refused when it
# would remove more than this share of the holders, registrations or contact persons loaded, or
# of the holders of one organisation listing more than LARGE_REMOVAL_MIN_HOLDERS, unless its
# manifest says allowLargeRemoval.
LARGE_REMOVAL_SHARE: Final = 0.10
LARGE_REMOVAL_MIN_HOLDERS: Final = 50
# An import's lock is taken over after this long: the function's own timeout is 15 minutes.
IMPORT_LOCK_MINUTES: Final = 20
# A running import renews its lock this often (the CLI's import has no time limit).
IMPORT_LOCK_RENEW_MINUTES: Final = 5
# An export's size, against a mistaken upload or a gzip or ZIP bomb running the importer (3,008
# MB) out of memory: the object as dropped in the bucket, and what the import reads of it (the
# gzip unpacked, streamed and stopped past the limit; the sum of the ZIP members' sizes read,
# from the archive's directory before reading). A national export (250,000 holders) is about
# 7 MB as a ZIP and 64 MB unpacked (bench/importing.py's generator at a tenth: 0.7 and 6.4 MB);
# its JSON form, not gzipped, about two and a half times that.
MAX_EXPORT_OBJECT_BYTES: Final = 256 * 1024 * 1024
MAX_EXPORT_UNPACKED_BYTES: Final = 512 * 1024 * 1024
# How long a contact person's temporary password is valid: the pool's
# TemporaryPasswordValidityDays (template.yaml). An import sends the invitation again to a
# managed user who never signed in once theirs is older than this.
TEMPORARY_PASSWORD_VALIDITY_DAYS: Final = 7
