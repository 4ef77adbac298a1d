"""What an import did, as the contract says (docs/data-model.md, "The import report")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

Outcome = Literal["loaded", "unchanged", "dry-run", "refused", "failed"]

# The counts every report carries (zero when nothing of the kind happened), in this order.
COUNT_KEYS: Final = (
    "organisationsAdded",
    "organisationsChanged",
    "organisationsRemoved",
    "holdersAdded",
    "holdersChanged",
    "holdersRemoved",
    "qualificationsWithdrawn",
    "qualificationsReinstated",
    "registrationsAdded",
    "registrationsChanged",
    "registrationsRemoved",
    "membershipsAdded",
    "membershipsEnded",
    "contactPersonsInvited",
    # Invited again: a user who never signed in, whose temporary password expired.
    "contactPersonsReinvited",
    "contactPersonsDisabled",
    "contactPersonsReenabled",
    # Whose memberships were not written: an invitation the pool refused, a user it cannot use.
    "contactPersonsLeftOut",
    "requestsDeleted",
)


def zero_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


@dataclass(frozen=True)
class Invitation:
    """A contact person the import created a user for: for printing locally, never reported."""

    email: str
    temporary_password: str = field(repr=False)
    organisations: tuple[str, ...]
    # Sent again (a new temporary password for one that expired), not a new user.
    again: bool = False


@dataclass(frozen=True)
class ImportReport:
    outcome: Outcome
    export_id: str | None
    exported_at: str | None  # ISO 8601 UTC, as in the manifest
    counts: dict[str, int]
    items_written: int
    # Each `file:line: message`, or the reason for a refusal.
    errors: tuple[str, ...]
    duration_ms: int
    invitations: tuple[Invitation, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The report object of the contract: ids and counts, no names, no passwords."""
        return {
            "outcome": self.outcome,
            "exportId": self.export_id,
            "exportedAt": self.exported_at,
            "counts": dict(self.counts),
            "itemsWritten": self.items_written,
            "errors": list(self.errors),
            "durationMs": self.duration_ms,
        }

    def summary(self) -> str:
        """One line for a person: the outcome and the counts that are not zero."""
        changed = ", ".join(f"{k} {v}" for k, v in self.counts.items() if v)
        parts = [f"{self.outcome}: export {self.export_id or '?'}"]
        parts.append(changed or "nothing changed")
        parts.append(f"{self.items_written} items written in {self.duration_ms} ms")
        if self.errors:
            parts.append(f"{len(self.errors)} error(s)")
        return "; ".join(parts)
