"""The invitation mail of a contact person the import created: Dutch, naming their
organisations and where to sign in, with Cognito's placeholders for user name and password."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from functions.invitation.app import handler
from pasjes.logic.invitation import dutch_list, invitation_message, invitation_metadata

ROOT = Path(__file__).resolve().parents[2]
EVENT = json.loads((ROOT / "events" / "invitation-message.json").read_text())


def test_the_invitation_names_every_organisation_and_where_to_sign_in() -> None:
    metadata = invitation_metadata(["Keira BHV", "EHBO-vereniging Sint Joris"], "https://p.nl")

    message = invitation_message(metadata, username="{username}", code="{####}")

    assert message is not None
    subject, body = message
    assert subject == "Uw toegang tot het Pasjesportaal"
    assert "contactpersoon van <strong>Keira BHV</strong> en " in body
    assert "<strong>EHBO-vereniging Sint Joris</strong>" in body
    assert '<a href="https://p.nl">https://p.nl</a>' in body
    # Cognito refuses an AdminCreateUser message without both placeholders.
    assert "{username}" in body
    assert "{####}" in body


def test_an_organisations_name_cannot_inject_markup_into_the_mail() -> None:
    metadata = invitation_metadata(['<a href="https://evil.example">Klik</a>'], None)

    message = invitation_message(metadata, username="{username}", code="{####}")

    assert message is not None
    assert "<a href" not in message[1]
    assert "&lt;a href=" in message[1]


def test_without_the_imports_metadata_the_pools_own_template_speaks() -> None:
    assert invitation_message({}, username="{username}", code="{####}") is None
    assert invitation_message({"organisations": "not json"}, username="u", code="c") is None


def test_organisations_are_listed_the_dutch_way() -> None:
    assert dutch_list(["A"]) == "A"
    assert dutch_list(["A", "B"]) == "A en B"
    assert dutch_list(["A", "B", "C"]) == "A, B en C"


def test_the_trigger_writes_the_mail_of_an_admin_created_user() -> None:
    event = handler(copy.deepcopy(EVENT), None)

    assert event["response"]["emailSubject"] == "Uw toegang tot het Pasjesportaal"
    assert "Keira BHV" in event["response"]["emailMessage"]
    assert "https://pasjes.example.nl" in event["response"]["emailMessage"]


def test_the_trigger_leaves_every_other_message_alone() -> None:
    forgot = copy.deepcopy(EVENT)
    forgot["triggerSource"] = "CustomMessage_ForgotPassword"

    event = handler(copy.deepcopy(forgot), None)

    assert event == forgot
