"""The import's diff, its counts and its guards, on plain data (no AWS)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from pasjes.dal.imports import OrganisationDigest
from pasjes.domain import Holder, HolderRow, Organisation, Qualification, QualificationType
from pasjes.domain import Registration as Reg
from pasjes.importing import Dataset, DirectoryUser, Manifest
from pasjes.importing.plan import Loaded, Plan, plan, scope_errors, target_of, to_read, with_rows

A = Organisation("org-a", "Instituut A")
B = Organisation("org-b", "Instituut B")


def person(number: int, *, name: str = "", withdrawn: bool = False) -> Holder:
    return Holder(
        f"{number:08d}",
        name or f"Houder {number}",
        date(1990, 1, 1),
        (
            Qualification(
                "BHV",
                "Bedrijfshulpverlener",
                QualificationType.DIPLOMA,
                "BHV",
                "EX1",
                date(2025, 1, 1),
                date(2027, 1, 1),
                withdrawn_on=date(2026, 1, 1) if withdrawn else None,
            ),
        ),
    )


def data(
    a: range = range(1, 101),
    b: range = range(1001, 1011),
    *,
    people: Mapping[int, Holder] | None = None,
    contacts: Mapping[str, tuple[str, ...]] | None = None,
    organisations: tuple[Organisation, ...] = (A, B),
) -> Dataset:
    numbers = {A.id: a, B.id: b}
    holders = {n: person(n) for o in organisations for n in numbers[o.id]}
    holders.update(people or {})
    return Dataset(
        organisations=organisations,
        memberships=dict(contacts)
        if contacts is not None
        else {"a@a.example": (A.id,), "b@b.example": (B.id,)},
        holders=tuple(holders.values()),
        registrations=tuple(Reg(o.id, f"{n:08d}") for o in organisations for n in numbers[o.id]),
    )


def manifest(**fields: object) -> Manifest:
    defaults: dict[str, object] = {
        "export_id": "e",
        "exported_at": datetime(2026, 5, 1, tzinfo=UTC),
        "scope": "full",
    }
    return Manifest(**(defaults | fields))  # type: ignore[arg-type]


def loaded_as(dataset: Dataset) -> tuple[Loaded, dict[str, dict[str, HolderRow]]]:
    """What the tables hold after `dataset` was loaded, as the import records it."""
    target = with_rows(
        target_of(dataset),
        dataset,
        to_read(manifest(), target_of(dataset), Loaded({}, {})),
    )
    rows = {o: {r.qualification_number: r for r in target.rows[o]} for o in target.rows}
    return Loaded(target.holder_hashes, target.digests), rows


def users(*emails: str, managed: bool = True, enabled: bool = True) -> dict[str, DirectoryUser]:
    return {e: DirectoryUser(e, f"sub-{e}", enabled, managed) for e in emails}


def diff(
    before: Dataset,
    after: Dataset,
    *,
    directory: Mapping[str, DirectoryUser] | None = None,
    **manifest_fields: object,
) -> Plan:
    loaded, stored = loaded_as(before)
    wanted = manifest(**manifest_fields)
    target = target_of(after)
    reading = to_read(wanted, target, loaded)
    target = with_rows(target, after, reading)
    directory = directory if directory is not None else users("a@a.example", "b@b.example")
    subs = {
        o: {directory[e].sub for e in d.contacts if e in directory}
        for o, d in loaded.digests.items()
    }
    return plan(
        wanted,
        target,
        loaded,
        reading,
        stored_rows={o: stored.get(o, {}) for o in reading.lists},
        contact_subs={o: subs.get(o, set()) for o in reading.contacts},
        users=directory,
        old_holders={h.qualification_number: h for h in before.holders},
    )


def nonzero(result: Plan) -> dict[str, int]:
    return {k: v for k, v in result.counts.items() if v}


def test_the_same_data_changes_nothing() -> None:
    result = diff(data(), data())

    assert nonzero(result) == {}
    assert not result.changes_anything
    assert (result.holders_put, result.lists_put, result.memberships_put) == ([], [], [])


def test_a_first_import_adds_everything() -> None:
    result = diff(data(a=range(0), b=range(0), organisations=(), contacts={}), data())

    assert nonzero(result) == {
        "organisationsAdded": 2,
        "holdersAdded": 110,
        "registrationsAdded": 110,
        "membershipsAdded": 2,
    }


def test_a_changed_holder_is_written_with_the_lists_it_is_in_only() -> None:
    result = diff(data(), data(people={5: person(5, name="Nieuwe Naam")}))

    assert nonzero(result) == {
        "organisationsChanged": 1,
        "holdersChanged": 1,
        "registrationsChanged": 1,
    }
    assert [h.qualification_number for h in result.holders_put] == ["00000005"]
    assert result.lists_put == [A.id]


def test_withdrawals_and_reinstatements_are_counted() -> None:
    before = data(people={7: person(7, withdrawn=True)})
    after = data(people={5: person(5, withdrawn=True)})

    result = diff(before, after)

    assert (
        result.counts["qualificationsWithdrawn"],
        result.counts["qualificationsReinstated"],
    ) == (
        1,
        1,
    )


def test_removing_up_to_a_tenth_is_allowed() -> None:
    result = diff(data(), data(a=range(1, 91)))  # 10 of 110 holders, 10 of A's 100

    assert result.refusals == []
    assert result.counts["holdersRemoved"] == 10


def test_removing_more_than_a_tenth_of_the_holders_is_refused() -> None:
    result = diff(data(), data(a=range(1, 89)))  # 12 of 110

    assert result.refusals[0] == "it removes 12 of the 110 holders loaded (more than 10%)"
    assert "holders of organisation org-a" in result.refusals[2]
    assert "allowLargeRemoval" in result.refusals[-1]


def test_allow_large_removal_lets_it_through() -> None:
    result = diff(data(), data(a=range(1, 11)), allow_large_removal=True)

    assert result.refusals == []
    assert result.counts["holdersRemoved"] == 90


def test_an_organisation_of_more_than_fifty_holders_is_guarded_on_its_own() -> None:
    # A's 100 registrations lose 11, though every holder stays (registered at B instead).
    moved = data(a=range(1, 90), b=range(90, 111))

    assert any("holders of organisation org-a" in r for r in diff(data(), moved).refusals)


def test_a_small_organisation_may_lose_more_than_a_tenth() -> None:
    # B (10 holders, not above 50) loses 3, which is 3 of 110 holders overall.
    assert diff(data(), data(b=range(1001, 1008))).refusals == []


def test_a_truncated_export_without_an_organisation_is_refused() -> None:
    result = diff(data(), data(organisations=(B,), contacts={"b@b.example": (B.id,)}))

    assert result.organisations_removed == [A.id]
    assert any("registrations loaded" in r for r in result.refusals)


def test_losing_more_than_a_tenth_of_the_contact_persons_is_refused() -> None:
    result = diff(data(), data(contacts={"a@a.example": (A.id,)}))

    assert result.refusals[0] == "it removes 1 of the 2 contact persons loaded (more than 10%)"


def test_a_new_email_is_invited_and_emails_compare_in_any_case() -> None:
    after = data(contacts={"A@A.example": (A.id,), "b@b.example": (B.id,), "n@b.example": (B.id,)})

    result = diff(data(), after)

    assert result.invite == {"n@b.example": [B.id]}
    assert nonzero(result) == {
        "organisationsChanged": 2,
        "membershipsAdded": 1,
        "contactPersonsInvited": 1,
    }


def test_a_managed_user_of_no_organisation_is_disabled_and_enabled_when_back() -> None:
    without_b = data(contacts={"a@a.example": (A.id,)})

    gone = diff(data(), without_b, allow_large_removal=True)
    back = diff(
        without_b,
        data(),
        directory=users("a@a.example") | users("b@b.example", enabled=False),
    )

    assert (gone.disable, gone.memberships_ended) == (["b@b.example"], [("sub-b@b.example", B.id)])
    assert back.enable == ["b@b.example"]
    assert back.counts["contactPersonsReenabled"] == 1


def test_users_the_import_did_not_make_are_never_disabled_or_enabled() -> None:
    directory = users("a@a.example") | users("b@b.example", managed=False)

    result = diff(
        data(),
        data(contacts={"a@a.example": (A.id,)}),
        directory=directory,
        allow_large_removal=True,
    )

    assert result.disable == []
    assert result.memberships_ended == [("sub-b@b.example", B.id)]


@pytest.mark.parametrize(
    ("user", "problem"),
    [
        (
            DirectoryUser("b", "sub-b", enabled=False, managed=False),
            "the user is disabled, and was not made by the import",
        ),
        (
            DirectoryUser("b", "sub-b", enabled=True, managed=False, email_verified=False),
            "the user's email is not verified",
        ),
    ],
)
def test_a_contact_person_whose_user_cannot_be_one_is_left_out_and_the_rest_loads(
    user: DirectoryUser, problem: str
) -> None:
    both = data(contacts={"a@a.example": (A.id,), "b@b.example": (A.id, B.id)})
    after = replace(both, contact_places={"b@b.example": "contacts.csv:3"})

    result = diff(data(), after, directory=users("a@a.example") | {"b@b.example": user})

    assert result.errors == []
    assert list(result.left_out.values()) == [f"contacts.csv:3: not made contact person: {problem}"]
    assert "b@b.example" not in str(result.left_out.values())
    assert [e for e, _ in result.memberships_put] == ["a@a.example"]
    assert result.counts["contactPersonsLeftOut"] == 1
    assert result.counts["membershipsAdded"] == 0
    # B's membership is kept as it was, and both organisations are compared again next time.
    assert result.memberships_ended == []
    assert {o: d.contacts_hash for o, d in result.digests_put.items()} == {A.id: "", B.id: ""}


def test_a_partial_export_leaves_other_organisations_and_their_contact_persons_alone() -> None:
    only_b = data(organisations=(B,), b=range(1001, 1013), contacts={"b@b.example": (B.id,)})

    result = diff(data(), only_b, scope="partial", organisations=(B.id,))

    assert nonzero(result) == {
        "organisationsChanged": 1,
        "holdersAdded": 2,
        "registrationsAdded": 2,
    }
    assert (result.holders_removed, result.disable, result.refusals) == ([], [], [])


def test_a_partial_export_lists_exactly_the_organisations_it_holds() -> None:
    target = target_of(data())

    errors = scope_errors(manifest(scope="partial", organisations=(B.id, "org-c")), target)

    assert errors == [
        "manifest.json: organisation 'org-c' is listed but not in organisations.csv",
        "organisations.csv: organisation 'org-a' is not listed in the manifest's organisations",
    ]


def test_an_external_number_change_is_a_changed_registration() -> None:
    after = data()
    after = replace(
        after,
        registrations=tuple(
            replace(r, external_number="K-9") if r.qualification_number == "00000003" else r
            for r in after.registrations
        ),
    )

    result = diff(data(), after)

    assert nonzero(result) == {"organisationsChanged": 1, "registrationsChanged": 1}
    assert result.lists_put == [A.id]


def test_a_digest_records_what_the_guard_compares_with() -> None:
    digest = target_of(data()).digests[A.id]

    assert isinstance(digest, OrganisationDigest)
    assert (digest.holders, digest.contacts) == (100, ("a@a.example",))
