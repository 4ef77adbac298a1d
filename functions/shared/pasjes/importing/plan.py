"""The diff of an export against what is loaded, its counts, and the guards: plain, no AWS.

`target_of` says what the portal should hold after the export; `to_read` which organisations'
stored lists and contact persons must be read to compare; `plan` what to write, what it counts
as, and why it must be refused, if it must.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from pasjes.dal.imports import OrganisationDigest
from pasjes.domain import Holder, HolderRow, Organisation
from pasjes.importing.building import organisations_for, rows_for
from pasjes.importing.digest import contacts_hash, holder_hash, organisation_hash, rows_hash
from pasjes.importing.directory import DirectoryUser
from pasjes.importing.manifest import Manifest
from pasjes.importing.model import Dataset
from pasjes.importing.reinviting import expired_invitations
from pasjes.importing.report import zero_counts
from pasjes.rules import LARGE_REMOVAL_MIN_HOLDERS, LARGE_REMOVAL_SHARE


@dataclass(frozen=True)
class Target:
    """What the portal holds for the export's organisations and holders once it is loaded."""

    holders: dict[str, Holder]
    holder_hashes: dict[str, str]
    organisations: dict[str, Organisation]  # with their exam types
    # By organisation, in qualification-number order: only of the organisations whose lists
    # are written (see `with_rows`), as making a row costs more than all else.
    rows: dict[str, list[HolderRow]]
    contacts: dict[str, list[str]]  # organisation -> its contact persons' emails, as given
    digests: dict[str, OrganisationDigest]
    # Lower-cased email -> where the export names the person first (`contacts.csv:3`).
    contact_places: Mapping[str, str] = field(default_factory=dict, compare=False)

    def place_of(self, email: str) -> str:
        """How a message names a contact person: by line, never by address."""
        return self.contact_places.get(email.casefold(), "contacts")


def target_of(dataset: Dataset) -> Target:
    organisations = {o.id: o for o in organisations_for(dataset)}
    contacts: dict[str, list[str]] = {o: [] for o in organisations}
    for email, organisation_ids in dataset.memberships.items():
        for organisation_id in organisation_ids:
            contacts[organisation_id].append(email)
    hashes = {h.qualification_number: holder_hash(h) for h in dataset.holders}
    registered: dict[str, list[tuple[str, str, str | None]]] = {o: [] for o in organisations}
    for r in dataset.registrations:
        registered[r.organisation_id].append(
            (r.qualification_number, hashes[r.qualification_number], r.external_number)
        )
    digests = {
        o.id: OrganisationDigest(
            item_hash=organisation_hash(o),
            rows_hash=rows_hash(sorted(registered[o.id])),
            contacts_hash=contacts_hash(o, contacts[o.id]),
            holders=len(registered[o.id]),
            contacts=tuple(sorted({e.casefold() for e in contacts[o.id]})),
        )
        for o in organisations.values()
    }
    return Target(
        holders={h.qualification_number: h for h in dataset.holders},
        holder_hashes=hashes,
        organisations=organisations,
        rows={},
        contacts=contacts,
        digests=digests,
        contact_places=dataset.contact_places,
    )


def with_rows(target: Target, dataset: Dataset, reading: ToRead) -> Target:
    """The target with the rows of the organisations whose lists are compared."""
    return replace(target, rows=rows_for(dataset, only=reading.lists - reading.removed))


@dataclass(frozen=True)
class Loaded:
    """What the last imports loaded, as the imports table records it."""

    holder_hashes: Mapping[str, str]
    digests: Mapping[str, OrganisationDigest]


def scope_errors(manifest: Manifest, target: Target) -> list[str]:
    if manifest.scope == "full":
        return []
    listed, given = set(manifest.organisations), set(target.organisations)
    errors = [
        f"manifest.json: organisation {o!r} is listed but not in organisations.csv"
        for o in sorted(listed - given)
    ]
    errors += [
        f"organisations.csv: organisation {o!r} is not listed in the manifest's organisations"
        for o in sorted(given - listed)
    ]
    return errors


@dataclass(frozen=True)
class ToRead:
    lists: frozenset[str]  # organisations whose stored list must be compared (or removed)
    contacts: frozenset[str]  # organisations whose contact persons must be compared
    removed: frozenset[str]  # loaded organisations a full export leaves out


def to_read(manifest: Manifest, target: Target, loaded: Loaded) -> ToRead:
    removed = (
        frozenset(set(loaded.digests) - set(target.organisations))
        if manifest.scope == "full"
        else frozenset()
    )
    lists, contacts = set(removed), set(removed)
    for organisation_id, digest in target.digests.items():
        before = loaded.digests.get(organisation_id)
        if before is None or before.rows_hash != digest.rows_hash:
            lists.add(organisation_id)
        if before is None or before.contacts_hash != digest.contacts_hash:
            contacts.add(organisation_id)
    return ToRead(frozenset(lists), frozenset(contacts), removed)


@dataclass
class Plan:
    counts: dict[str, int] = field(default_factory=zero_counts)
    holders_put: list[Holder] = field(default_factory=list)
    holders_removed: list[str] = field(default_factory=list)
    organisations_put: list[Organisation] = field(default_factory=list)
    organisations_removed: list[str] = field(default_factory=list)
    lists_put: list[str] = field(default_factory=list)
    # (email, organisation id): every membership of an organisation whose contact persons changed
    memberships_put: list[tuple[str, str]] = field(default_factory=list)
    memberships_ended: list[tuple[str, str]] = field(default_factory=list)  # (sub, organisation)
    invite: dict[str, list[str]] = field(default_factory=dict)  # email -> organisation ids
    # Managed users who never signed in and whose temporary password expired: invited again.
    reinvite: dict[str, list[str]] = field(default_factory=dict)  # email -> organisation ids
    enable: list[str] = field(default_factory=list)  # usernames
    disable: list[str] = field(default_factory=list)
    digests_put: dict[str, OrganisationDigest] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # the export cannot be loaded as it is
    # Contact persons whose memberships are not written (lower-cased email -> why, by line):
    # the rest loads, and their organisations' contact persons are compared again next time.
    left_out: dict[str, str] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)  # the guard's reasons

    @property
    def changes_anything(self) -> bool:
        return any(self.counts.values())


def plan(
    manifest: Manifest,
    target: Target,
    loaded: Loaded,
    reading: ToRead,
    *,
    stored_rows: Mapping[str, Mapping[str, HolderRow]],
    contact_subs: Mapping[str, set[str]],
    users: Mapping[str, DirectoryUser],
    old_holders: Mapping[str, Holder],
    now: datetime | None = None,
) -> Plan:
    """What loading the export changes. `stored_rows` and `contact_subs`: of the organisations
    `reading` names; `old_holders`: the loaded holders whose hash changed; `now`: when the
    temporary passwords are judged expired (None: none is)."""
    result = Plan()
    _holders(manifest, target, loaded, old_holders, result)
    _organisations(target, loaded, reading, result)
    removed_of = _registrations(target, reading, stored_rows, result)
    _contacts(manifest, target, loaded, reading, contact_subs, users, result)
    if now is not None:
        result.reinvite = expired_invitations(target.contacts, users, now, result.left_out)
        result.counts["contactPersonsReinvited"] = len(result.reinvite)
    if not manifest.allow_large_removal:
        result.refusals = _guard(target, loaded, reading, removed_of, result)
    return result


def _holders(
    manifest: Manifest,
    target: Target,
    loaded: Loaded,
    old_holders: Mapping[str, Holder],
    result: Plan,
) -> None:
    counts = result.counts
    for number, content_hash in target.holder_hashes.items():
        before = loaded.holder_hashes.get(number)
        if before == content_hash:
            continue
        result.holders_put.append(target.holders[number])
        if before is None:
            counts["holdersAdded"] += 1
            continue
        counts["holdersChanged"] += 1
        old = old_holders.get(number)
        if old is not None:
            was = {q.code: q.withdrawn_on is not None for q in old.qualifications}
            for q in target.holders[number].qualifications:
                withdrawn = q.withdrawn_on is not None
                if was.get(q.code, False) != withdrawn:
                    counts[
                        "qualificationsWithdrawn" if withdrawn else "qualificationsReinstated"
                    ] += 1
    if manifest.scope == "full":
        result.holders_removed = sorted(set(loaded.holder_hashes) - set(target.holder_hashes))
        counts["holdersRemoved"] = len(result.holders_removed)


def _organisations(target: Target, loaded: Loaded, reading: ToRead, result: Plan) -> None:
    counts = result.counts
    for organisation_id, digest in target.digests.items():
        before = loaded.digests.get(organisation_id)
        if before == digest:
            continue
        result.digests_put[organisation_id] = digest
        if before is None or before.item_hash != digest.item_hash:
            result.organisations_put.append(target.organisations[organisation_id])
        counts["organisationsAdded" if before is None else "organisationsChanged"] += 1
    result.organisations_removed = sorted(reading.removed)
    counts["organisationsRemoved"] = len(result.organisations_removed)


def _registrations(
    target: Target,
    reading: ToRead,
    stored_rows: Mapping[str, Mapping[str, HolderRow]],
    result: Plan,
) -> dict[str, int]:
    """Count the registrations added, changed and removed; returns the removed per organisation."""
    counts = result.counts
    changed_holders = {h.qualification_number for h in result.holders_put}
    removed_of: dict[str, int] = {}
    for organisation_id in sorted(reading.lists):
        old = stored_rows.get(organisation_id, {})
        new = {r.qualification_number: r for r in target.rows.get(organisation_id, [])}
        if organisation_id not in reading.removed:
            result.lists_put.append(organisation_id)
        removed = len(old.keys() - new.keys())
        removed_of[organisation_id] = removed
        counts["registrationsRemoved"] += removed
        counts["registrationsAdded"] += len(new.keys() - old.keys())
        counts["registrationsChanged"] += sum(
            1
            for number in new.keys() & old.keys()
            if number in changed_holders
            or new[number].external_number != old[number].external_number
        )
    return removed_of


def _contacts(
    manifest: Manifest,
    target: Target,
    loaded: Loaded,
    reading: ToRead,
    contact_subs: Mapping[str, set[str]],
    users: Mapping[str, DirectoryUser],
    result: Plan,
) -> None:
    counts = result.counts
    memberships: dict[str, list[str]] = defaultdict(list)  # lower-cased email -> organisations
    spelled: dict[str, str] = {}
    for organisation_id, emails in target.contacts.items():
        for email in emails:
            memberships[email.casefold()].append(organisation_id)
            spelled.setdefault(email.casefold(), email)
    for key, organisation_ids in memberships.items():
        user = users.get(key)
        if user is None:
            result.invite[spelled[key]] = organisation_ids
            continue
        if not user.email_verified:
            why = "not made contact person: the user's email is not verified"
            leave_out(result, target, key, organisation_ids, why)
        elif not user.enabled and not user.managed:
            why = "not made contact person: the user is disabled, and was not made by the import"
            leave_out(result, target, key, organisation_ids, why)
        elif not user.enabled:
            result.enable.append(user.username)
    counts["contactPersonsInvited"] = len(result.invite)
    counts["contactPersonsReenabled"] = len(result.enable)

    for organisation_id in sorted(reading.contacts):
        existing = contact_subs.get(organisation_id, set())
        emails = [] if organisation_id in reading.removed else target.contacts[organisation_id]
        kept: set[str] = set()
        for email in emails:
            user = users.get(email.casefold())
            if user is not None and user.sub in existing:
                kept.add(user.sub)  # a person left out keeps a membership they had
            elif email.casefold() in result.left_out:
                continue
            else:
                counts["membershipsAdded"] += 1
            if email.casefold() not in result.left_out:
                result.memberships_put.append((email, organisation_id))
        ended = sorted(existing - kept)
        result.memberships_ended += [(sub, organisation_id) for sub in ended]
        counts["membershipsEnded"] += len(ended)

    # Who is contact person of some organisation once this export is loaded.
    after = set(memberships)
    if manifest.scope == "partial":
        for organisation_id, digest in loaded.digests.items():
            if organisation_id not in target.organisations:
                after.update(digest.contacts)
    result.disable = sorted(
        user.username
        for email, user in users.items()
        if user.managed and user.enabled and email not in after
    )
    counts["contactPersonsDisabled"] = len(result.disable)


def leave_out(
    result: Plan, target: Target, key: str, organisation_ids: Sequence[str], why: str
) -> None:
    """Leave a contact person (`key`: the lower-cased email) out of the load, and have their
    organisations' contact persons compared again by the next import. Their memberships are
    not planned yet, or are taken out by `without_left_out`."""
    result.left_out[key] = f"{target.place_of(key)}: {why}"
    result.counts["contactPersonsLeftOut"] = len(result.left_out)
    for organisation_id in organisation_ids:
        digest = result.digests_put.get(organisation_id, target.digests[organisation_id])
        result.digests_put[organisation_id] = replace(digest, contacts_hash="")


def without_left_out(result: Plan) -> None:
    """The memberships planned of those left out since, taken out (each was counted as added:
    they had no user)."""
    kept = [(e, o) for e, o in result.memberships_put if e.casefold() not in result.left_out]
    result.counts["membershipsAdded"] -= len(result.memberships_put) - len(kept)
    result.memberships_put = kept


def _share(removed: int, loaded: int) -> bool:
    return loaded > 0 and removed / loaded > LARGE_REMOVAL_SHARE


def _guard(
    target: Target,
    loaded: Loaded,
    reading: ToRead,
    removed_of: Mapping[str, int],
    result: Plan,
) -> list[str]:
    """Why the export looks like a mistake: it removes too much of what is loaded."""
    counts = result.counts
    percent = f"{LARGE_REMOVAL_SHARE:.0%}"
    refusals: list[str] = []
    holders = len(loaded.holder_hashes)
    if _share(counts["holdersRemoved"], holders):
        refusals.append(
            f"it removes {counts['holdersRemoved']} of the {holders} holders loaded "
            f"(more than {percent})"
        )
    registrations = sum(d.holders for d in loaded.digests.values())
    if _share(counts["registrationsRemoved"], registrations):
        refusals.append(
            f"it removes {counts['registrationsRemoved']} of the {registrations} registrations "
            f"loaded (more than {percent})"
        )
    contact_persons = {email for d in loaded.digests.values() for email in d.contacts}
    after = {email for d in target.digests.values() for email in d.contacts}
    for organisation_id, digest in loaded.digests.items():
        if organisation_id not in target.digests and organisation_id not in reading.removed:
            after.update(digest.contacts)  # left alone by a partial export
    gone = len(contact_persons - after)
    if _share(gone, len(contact_persons)):
        refusals.append(
            f"it removes {gone} of the {len(contact_persons)} contact persons loaded "
            f"(more than {percent})"
        )
    for organisation_id, removed in sorted(removed_of.items()):
        before = loaded.digests.get(organisation_id)
        large = before is not None and before.holders > LARGE_REMOVAL_MIN_HOLDERS
        if before is not None and large and _share(removed, before.holders):
            refusals.append(
                f"it removes {removed} of the {before.holders} holders of organisation "
                f"{organisation_id} (more than {percent})"
            )
    if refusals:
        refusals.append("set allowLargeRemoval to true in manifest.json if this is intended")
    return refusals
