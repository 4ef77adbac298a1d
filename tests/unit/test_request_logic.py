"""Request rules without AWS: pass counting, the 250 limit, ownership and the 7 days."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from pasjes.domain import Holder, Organisation, QualificationType, RequestStatus
from pasjes.errors import (
    HoldersNotFound,
    NoPasses,
    RequestExpired,
    RequestNotFound,
    RequestNotReady,
    TooManyPasses,
)
from pasjes.logic.access import visible_request, visible_requests
from pasjes.logic.pass_requests import Selection, downloadable, plan_request
from tests.conftest import HOLDERS, KEIRA, qualification, row_of

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BY_NUMBER = {h.qualification_number: h for h in HOLDERS}
ROWS = {n: row_of(h, None) for n, h in BY_NUMBER.items()}


def test_every_qualification_gets_a_pass_by_default() -> None:
    request = plan_request(
        Selection(KEIRA, ["99600953"]), owner_sub="me", rows=ROWS, holders=BY_NUMBER, now=NOW
    )
    assert [p.qualification.code for p in request.passes] == ["DEH", "EHK"]
    assert [m.code for m in request.passes[0].modules] == ["EHK"]
    assert request.passes[1].modules == ()
    assert request.expires_at == NOW + timedelta(days=7)


def test_codes_and_expiry_dates_narrow_the_passes() -> None:
    selection = Selection(KEIRA, ["99600953", "12345678"], qualification_codes=frozenset({"BHV"}))
    request = plan_request(selection, owner_sub="me", rows=ROWS, holders=BY_NUMBER, now=NOW)
    assert (request.pass_count, request.skipped) == (1, ("99600953",))
    selection = Selection(KEIRA, ["99600953"], expiry_dates=frozenset({date(1999, 1, 1)}))
    with pytest.raises(NoPasses):
        plan_request(selection, owner_sub="me", rows=ROWS, holders=BY_NUMBER, now=NOW)


def test_exactly_250_passes_fit_and_251_do_not() -> None:
    quals = tuple(qualification(f"C{i}", type=QualificationType.CERTIFICATE) for i in range(125))
    a = Holder("00000001", "A", date(1990, 1, 1), quals)
    b = Holder("00000002", "B", date(1990, 1, 1), quals)
    c = Holder("00000003", "C", date(1990, 1, 1), quals[:1])
    holders = {h.qualification_number: h for h in (a, b, c)}
    rows = {n: row_of(h, None) for n, h in holders.items()}
    request = plan_request(
        Selection(KEIRA, ["00000001", "00000002"]),
        owner_sub="me",
        rows=rows,
        holders=holders,
        now=NOW,
    )
    assert request.pass_count == 250
    with pytest.raises(TooManyPasses) as raised:
        plan_request(
            Selection(KEIRA, ["00000001", "00000002", "00000003"]),
            owner_sub="me",
            rows=rows,
            holders=holders,
            now=NOW,
        )
    assert raised.value.details["passCount"] == 251


def test_unregistered_holders_are_named() -> None:
    with pytest.raises(HoldersNotFound) as raised:
        plan_request(
            Selection(KEIRA, ["99600953", "00000000"]),
            owner_sub="me",
            rows={"99600953": ROWS["99600953"]},
            holders=BY_NUMBER,
            now=NOW,
        )
    assert raised.value.details["qualificationNumbers"] == ["00000000"]


def test_only_the_owner_reaches_a_request_and_only_for_seven_days() -> None:
    request = plan_request(
        Selection(KEIRA, ["99600953"]), owner_sub="me", rows=ROWS, holders=BY_NUMBER, now=NOW
    )
    mine = {KEIRA.id}
    later = NOW + timedelta(days=6)
    assert visible_request(request, caller_sub="me", member_of=mine, now=later) == request
    with pytest.raises(RequestNotFound):
        visible_request(request, caller_sub="colleague", member_of=mine, now=NOW)
    with pytest.raises(RequestNotFound):
        visible_request(None, caller_sub="me", member_of=mine, now=NOW)
    with pytest.raises(RequestExpired):
        visible_request(request, caller_sub="me", member_of=mine, now=NOW + timedelta(days=7))


def test_an_owner_no_longer_contact_of_the_organisation_no_longer_sees_the_request() -> None:
    request = plan_request(
        Selection(KEIRA, ["99600953"]), owner_sub="me", rows=ROWS, holders=BY_NUMBER, now=NOW
    )
    with pytest.raises(RequestNotFound):
        visible_request(request, caller_sub="me", member_of={"another-organisation"}, now=NOW)
    assert visible_requests([request], caller_sub="me", member_of=set()) == []
    assert visible_requests([request], caller_sub="me", member_of={KEIRA.id}) == [request]


def test_only_a_ready_request_is_downloadable() -> None:
    request = plan_request(
        Selection(KEIRA, ["99600953"]), owner_sub="me", rows=ROWS, holders=BY_NUMBER, now=NOW
    )
    with pytest.raises(RequestNotReady):
        downloadable(request)
    ready = replace(request, status=RequestStatus.READY)
    assert downloadable(ready) == ready


def test_the_organisation_on_a_request_carries_no_exam_types() -> None:
    keira = Organisation("keira-bhv", "Keira BHV")
    request = plan_request(
        Selection(keira, ["99600953"]), owner_sub="me", rows=ROWS, holders=BY_NUMBER, now=NOW
    )
    assert request.organisation == keira


def _with_withdrawn(*, diploma: bool, module: bool) -> Holder:
    gone = date(2026, 6, 1)
    return Holder(
        qualification_number="12345678",
        name="Mevr. W. Ingetrokken",
        birth_date=date(1990, 1, 1),
        qualifications=(
            replace(qualification("DEH"), withdrawn_on=gone if diploma else None),
            replace(
                qualification("EHK", type=QualificationType.CERTIFICATE, parent="DEH"),
                withdrawn_on=gone if module else None,
            ),
        ),
    )


def _plan(holder: Holder, codes: frozenset[str] = frozenset()) -> list[tuple[str, list[str]]]:
    request = plan_request(
        Selection(KEIRA, [holder.qualification_number], qualification_codes=codes),
        owner_sub="me",
        rows={holder.qualification_number: row_of(holder, None)},
        holders={holder.qualification_number: holder},
        now=NOW,
    )
    return [(p.qualification.code, [m.code for m in p.modules]) for p in request.passes]


def test_a_withdrawn_diploma_is_on_no_new_pass_while_its_valid_module_still_is() -> None:
    holder = _with_withdrawn(diploma=True, module=False)
    assert _plan(holder) == [("EHK", [])]
    with pytest.raises(NoPasses):
        _plan(holder, frozenset({"DEH"}))


def test_a_valid_diploma_prints_without_its_withdrawn_module() -> None:
    assert _plan(_with_withdrawn(diploma=False, module=True)) == [("DEH", [])]
