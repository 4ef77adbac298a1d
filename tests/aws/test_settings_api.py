""" "Instellingen" through the settings handler on moto: GET and PUT /settings keep the caller's
own choice of the monthly overview, and touch no membership."""

from __future__ import annotations

from typing import Any

from functions.settings.app import handler
from pasjes.dal import contacts
from tests.conftest import COLLEAGUE, CONTACT, KEIRA, OTHER, api_event, call


def settings(sub: str = CONTACT, body: Any = None) -> tuple[int, Any]:
    method = "GET" if body is None else "PUT"
    return call(handler, api_event(method, "/settings", sub=sub, body=body))


def test_the_monthly_overview_is_on_until_turned_off_and_stays_off(portal: None) -> None:
    assert settings() == (200, {"monthlyOverview": True})

    assert settings(body={"monthlyOverview": False}) == (200, {"monthlyOverview": False})
    assert settings() == (200, {"monthlyOverview": False})
    assert settings(body={"monthlyOverview": True}) == (200, {"monthlyOverview": True})


def test_ones_own_choice_is_nobody_elses(portal: None) -> None:
    settings(body={"monthlyOverview": False})

    assert settings(sub=COLLEAGUE) == (200, {"monthlyOverview": True})
    assert contacts.monthly_overview_of([CONTACT, COLLEAGUE]) == {CONTACT: False}


def test_the_setting_is_no_membership(portal: None) -> None:
    settings(body={"monthlyOverview": False})

    assert [o.id for o in contacts.organisations_of(CONTACT)] == [OTHER.id, KEIRA.id]
    assert contacts.contact_subs(KEIRA.id) == {CONTACT, COLLEAGUE}


def test_the_settings_item_keeps_no_email_address(portal: None) -> None:
    # The overview mails the address on the memberships; a second copy would go stale.
    settings(body={"monthlyOverview": False})

    item = contacts.ContactModel.get(CONTACT, contacts.SETTINGS)
    assert (item.email, item.monthly_overview) == ("", False)


def test_a_body_that_is_not_the_setting_is_a_400(portal: None) -> None:
    for body in ({"monthlyOverview": "ja"}, {}, {"monthlyOverview": True, "sub": COLLEAGUE}):
        status, answer = settings(body=body)
        assert status == 400, body
        assert answer["code"] == "invalid_body"
