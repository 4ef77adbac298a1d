"""Carrying out a plan: the writes, in the order that keeps every read consistent.

Users first (a new contact person needs a sub before a membership), then holders, organisations and
the changed lists (25 at a time: their items, then their versions), memberships, then what goes:
removed organisations' lists (version first), ended memberships, removed holders, users disabled,
and the requests of those who lost an organisation, with their ZIPs. The imports table's record of
what is loaded comes last, so an import that stops half-way is simply done again, and writes only
what is still different (the chunks the unswitched window of lists had written stay behind,
unread).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pasjes import audit
from pasjes.dal import (
    contacts,
    holders,
    imports,
    organisations,
    pass_requests,
    passes_bucket,
)
from pasjes.dal.list_updates import ListUpdate, StoredList, remove_list, update_lists
from pasjes.domain import Organisation
from pasjes.importing.directory import QUOTA_CODE, Directory, DirectoryError, DirectoryUser
from pasjes.importing.plan import Loaded, Plan, Target, leave_out, without_left_out
from pasjes.importing.report import Invitation


@dataclass(frozen=True)
class Loading:
    items_written: int
    requests_deleted: int
    invitations: tuple[Invitation, ...]


def load(
    plan: Plan,
    target: Target,
    loaded: Loaded,
    *,
    stored_lists: Mapping[str, StoredList],
    users: Mapping[str, DirectoryUser],
    directory: Directory,
) -> Loading:
    users = dict(users)
    invitations: list[Invitation] = []
    quota_reached = False
    for email, organisation_ids in plan.invite.items():
        names = [target.organisations[o].name for o in organisation_ids]
        try:
            if quota_reached:
                # The pool refuses every invitation for the rest of the day: not asked again.
                raise DirectoryError(QUOTA_CODE)
            user, invitation = directory.invite(email, names)
        except DirectoryError as error:
            # One refusal (the pool's daily mail quota, an address it does not take) must not
            # keep the rest of the export out: the person is left out, and invited again by
            # the next import. The code only: the pool's message may repeat the address.
            quota_reached = quota_reached or error.code == QUOTA_CODE
            why = f"invitation refused ({error.code})"
            leave_out(plan, target, email.casefold(), organisation_ids, why)
            plan.counts["contactPersonsInvited"] -= 1
            continue
        users[email.casefold()] = user
        invitations.append(invitation)
    without_left_out(plan)

    written = holders.put_holders(plan.holders_put, target.holder_hashes)
    written += organisations.put_organisations(plan.organisations_put)
    written += update_lists(
        ListUpdate(
            organisation_id,
            target.rows[organisation_id],
            stored_lists.get(organisation_id, StoredList()),
            target.digests[organisation_id].rows_hash,
        )
        for organisation_id in plan.lists_put
    )
    by_id: dict[str, Organisation] = dict(target.organisations)
    added = [
        (users[email.casefold()].sub, email, by_id[organisation_id])
        for email, organisation_id in plan.memberships_put
    ]
    written += contacts.write_memberships(added, ())
    for username in plan.enable:
        directory.enable(username)

    for organisation_id in plan.organisations_removed:
        written += remove_list(organisation_id, stored_lists.get(organisation_id, StoredList()))
    # Access ends here: every call checks the caller's memberships.
    written += contacts.write_memberships((), plan.memberships_ended)
    written += organisations.delete_organisations(plan.organisations_removed)
    written += holders.delete_holders(plan.holders_removed)
    for username in plan.disable:
        directory.disable(username)
    deleted = _delete_requests(plan.memberships_ended)

    written += _record(plan, target, loaded)
    return Loading(written, deleted, tuple(invitations))


def _delete_requests(ended: list[tuple[str, str]]) -> int:
    """The requests of ended memberships go, with their ZIPs (as a contact person removed by
    hand would lose them)."""
    revoked_of: dict[str, list[str]] = {}
    for sub, organisation_id in ended:
        ids = pass_requests.ids_of(sub, organisation_id)
        revoked_of.setdefault(sub, []).extend(ids)
        for request_id in ids:
            audit.request_deleted(
                request_id=request_id,
                organisation=organisation_id,
                sub=sub,
                reason="membership_ended",
            )
    revoked = [rid for ids in revoked_of.values() for rid in ids]
    # ZIPs first: should the import stop in between, a request left without its ZIP is
    # invisible anyway, since every read checks membership.
    passes_bucket.delete_zips(revoked)
    for sub, ids in revoked_of.items():
        # Frees the pending slots of those not rendered yet: the person keeps their quota.
        pass_requests.delete_requests(sub, ids)
    return len(revoked)


def _record(plan: Plan, target: Target, loaded: Loaded) -> int:
    """What is loaded now, for the next import to compare with."""
    written = 0
    put = [h.qualification_number for h in plan.holders_put]
    if put or plan.holders_removed:
        hashes = dict(loaded.holder_hashes)
        for number in plan.holders_removed:
            hashes.pop(number, None)
        hashes.update((number, target.holder_hashes[number]) for number in put)
        # Only the buckets of the numbers whose hash changed are written again.
        buckets = {imports.bucket_of(n) for n in [*put, *plan.holders_removed]}
        written += imports.put_holder_hashes(hashes, buckets)
    if plan.digests_put or plan.organisations_removed:
        written += imports.write_organisation_digests(plan.digests_put, plan.organisations_removed)
    return written
