"""One import, start to end: read, check the order, diff, guard, write, report."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from pasjes import audit
from pasjes.clock import Clock, utc_now
from pasjes.dal import contacts, holders, imports, organisations
from pasjes.dal.list_updates import StoredList, stored_list
from pasjes.importing.claiming import RETRY_MARK, Heartbeat, claim
from pasjes.importing.directory import Directory
from pasjes.importing.loading import load
from pasjes.importing.manifest import Manifest
from pasjes.importing.model import Dataset, DatasetError
from pasjes.importing.plan import Loaded, Plan, plan, scope_errors, target_of, to_read, with_rows
from pasjes.importing.reading import content_hash, fingerprint, parse_export, unpacked
from pasjes.importing.reinviting import expired_invitations, send_again
from pasjes.importing.report import ImportReport, Invitation, Outcome, zero_counts
from pasjes.importing.validating import in_reading_order


@contextmanager
def _collector_paused() -> Iterator[None]:
    """An import makes millions of objects that live until it ends and form no cycles: the
    collector, counting allocations, would walk them again and again (nearly half of reading
    and diffing a national export) to free nothing. Reference counting frees them as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_export(
    payload: bytes,
    *,
    dry_run: bool = False,
    directory: Directory,
    now: Clock = utc_now,
) -> ImportReport:
    """Import one export object (ZIP, JSON form, either gzipped). Never raises for a bad export
    (the report says `failed` with the errors); raises ImportBusy while another import runs."""
    with _collector_paused():
        return _import_export(payload, dry_run=dry_run, directory=directory, now=now)


def _import_export(
    payload: bytes, *, dry_run: bool, directory: Directory, now: Clock
) -> ImportReport:
    started = time.monotonic()
    read: Callable[[], Dataset]
    try:
        payload = unpacked(payload)
        known = fingerprint(payload)
        if known is None:
            # The JSON form: its hash is known only once it is read.
            manifest, dataset = parse_export(payload)
            read, files = (lambda: dataset), content_hash(payload)
        else:
            # The ZIP's files are known by their hash before they are read: an export loaded
            # already is not read again.
            manifest = known[0]
            read, files = (lambda: parse_export(payload)[1]), known[1]
    except DatasetError as error:
        return unreadable_export(error.errors, dry_run=dry_run, started=started)
    return _import(
        read,
        manifest,
        dry_run=dry_run,
        directory=directory,
        now=now,
        keep_order=True,
        files=files,
    )


def unreadable_export(
    errors: Sequence[str], *, dry_run: bool, started: float | None = None
) -> ImportReport:
    """The report of an export not read (no manifest known): `failed` with its errors."""
    audit.import_finished(
        export_id=None,
        outcome="failed",
        dry_run=dry_run,
        counts=zero_counts(),
        items_written=0,
        errors=len(errors),
    )
    return ImportReport(
        outcome="failed",
        export_id=None,
        exported_at=None,
        counts=zero_counts(),
        items_written=0,
        errors=tuple(errors),
        duration_ms=0 if started is None else int((time.monotonic() - started) * 1000),
    )


def import_dataset(
    dataset: Dataset,
    manifest: Manifest,
    *,
    dry_run: bool = False,
    directory: Directory,
    now: Clock = utc_now,
    keep_order: bool = True,
) -> ImportReport:
    """Import a checked dataset under its manifest: see `import_export`. `keep_order=False`
    (the operator loading a dataset by hand): neither checked against nor recorded as the last
    export loaded."""
    with _collector_paused():
        return _import(
            lambda: dataset,
            manifest,
            dry_run=dry_run,
            directory=directory,
            now=now,
            keep_order=keep_order,
            files=None,
        )


def _import(
    read: Callable[[], Dataset],
    manifest: Manifest,
    *,
    dry_run: bool,
    directory: Directory,
    now: Clock,
    keep_order: bool,
    files: str | None,
) -> ImportReport:
    started = time.monotonic()
    exported_at = imports.stamp(manifest.exported_at)

    def report(outcome: Outcome, errors: Sequence[str] = (), **fields: Any) -> ImportReport:
        result = ImportReport(
            outcome=outcome,
            export_id=manifest.export_id,
            exported_at=manifest.exported_at_iso,
            counts=fields.pop("counts", None) or zero_counts(),
            items_written=fields.pop("items_written", 0),
            errors=tuple(errors),
            duration_ms=int((time.monotonic() - started) * 1000),
            **fields,
        )
        audit.import_finished(
            export_id=result.export_id,
            outcome=result.outcome,
            dry_run=dry_run,
            counts=result.counts,
            items_written=result.items_written,
            errors=len(result.errors),
        )
        return result

    decision = claim(
        manifest, exported_at, dry_run=dry_run, keep_order=keep_order, files=files, now=now
    )
    if decision.outcome is not None and decision.record_only:
        # The files of the last export under a new id: nothing to load, but the contact persons
        # it names (those loaded) whose invitation expired are sent it again all the same.
        sent, refused = _send_again_to_loaded(directory, now())
        counts = zero_counts()
        counts["contactPersonsReinvited"] = len(sent)
        return report(decision.outcome, refused, counts=counts, invitations=tuple(sent))
    if decision.outcome is not None:
        return report(decision.outcome, decision.errors)
    heartbeat = None if dry_run else Heartbeat(manifest.export_id, now).started()
    finished = False
    try:
        try:
            dataset = read()
        except DatasetError as error:
            return report("failed", error.errors)
        target = target_of(dataset)
        errors = scope_errors(manifest, target)
        if errors:
            return report("failed", errors)
        loaded = Loaded(
            holder_hashes=imports.holder_hashes(), digests=imports.organisation_digests()
        )
        reading = to_read(manifest, target, loaded)
        target = with_rows(target, dataset, reading)
        # An organisation the tables never held has no list or contact persons to read: its
        # item is written before them and deleted after them. A first national load reads
        # 3,000 organisations' keys in 30 requests instead of 6,000 requests for each's.
        new = (reading.lists | reading.contacts) - set(loaded.digests)
        never_held = new - organisations.held(new) if new else set()
        stored_lists = {
            o: StoredList() if o in never_held else stored_list(o) for o in sorted(reading.lists)
        }
        contact_subs = {
            o: set() if o in never_held else contacts.contact_subs(o)
            for o in sorted(reading.contacts)
        }
        changed = [
            n
            for n, h in target.holder_hashes.items()
            if loaded.holder_hashes.get(n) not in (None, h)
        ]
        users = directory.users()
        result = plan(
            manifest,
            target,
            loaded,
            reading,
            stored_rows={o: stored.by_number() for o, stored in stored_lists.items()},
            contact_subs=contact_subs,
            users=users,
            old_holders=holders.get_holders(changed),
            now=now(),
        )
        if result.errors:
            return report("failed", result.errors, counts=result.counts)
        if result.refusals:
            return report("refused", result.refusals, counts=result.counts)
        if dry_run:
            return report("dry-run", _left_out(result), counts=result.counts)

        imports.forget_files(manifest.export_id)
        loading = load(
            result,
            target,
            loaded,
            stored_lists=stored_lists,
            users=users,
            directory=directory,
        )
        invited_again, not_sent = send_again(
            result.reinvite, {o: v.name for o, v in target.organisations.items()}, directory
        )
        result.counts["contactPersonsReinvited"] -= len(not_sent)
        if keep_order:
            recorded = f"{files}{RETRY_MARK}" if files and result.left_out else files
            imports.finish(manifest.export_id, exported_at, now(), recorded)
            finished = True
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        if not dry_run and not finished:
            imports.release(manifest.export_id)
    counts = dict(result.counts)
    counts["requestsDeleted"] = loading.requests_deleted
    # A refused re-send is said, but leaves the person's memberships as they are.
    unsent = [_not_sent(target.place_of(e), c) for e, c in not_sent.items()]
    return report(
        "loaded" if result.changes_anything or loading.requests_deleted else "unchanged",
        _left_out(result) + unsent,
        counts=counts,
        items_written=loading.items_written,
        invitations=(*loading.invitations, *invited_again),
    )


def _not_sent(place: str, code: str) -> str:
    return f"{place}: invitation not sent again ({code})"


def _send_again_to_loaded(
    directory: Directory, now: datetime
) -> tuple[list[Invitation], list[str]]:
    """Invitations sent again to the loaded contact persons (the organisations' digests name
    them) whose invitation expired, and the refusals."""
    contacts = {o: list(d.contacts) for o, d in imports.organisation_digests().items()}
    reinvite = expired_invitations(contacts, directory.waiting_users(), now, ())
    names: dict[str, str] = {}
    for organisation_id in sorted({o for ids in reinvite.values() for o in ids}):
        found = organisations.get_organisation(organisation_id)
        names[organisation_id] = found.name if found is not None else organisation_id
    sent, refused = send_again(reinvite, names, directory)
    return sent, [_not_sent("contacts", code) for code in refused.values()]


def _left_out(result: Plan) -> list[str]:
    return in_reading_order(list(result.left_out.values()))
