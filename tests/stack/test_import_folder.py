"""The local registry: an export dropped into the stack's imports folder is imported by the
import function, its report lands beside it, and the contact person it invites signs in with the
temporary password the stack prints."""

from __future__ import annotations

import boto3

from infra.ops.demo_manual import KEIRA_BHV
from tests.stack.harness import StackClient, StackProcess
from tests.stack.imports import drop, temporary_password, wait_for_report

INVITED = "nieuw@keira-bhv.example"
NEW_PASSWORD = "Nieuw-wachtwoord-2026"


def test_a_dropped_export_invites_a_contact_person_who_signs_in_and_sees_their_holders(
    stack_process: StackProcess, stack: StackClient
) -> None:
    contact = ("--contact", f"{INVITED}={KEIRA_BHV}")
    dry_run = drop(stack_process.imports / "dry-run", "proef.zip", *contact, "--export-id", "proef")
    tried = wait_for_report(dry_run)
    assert tried["outcome"] == "dry-run"
    assert tried["counts"]["contactPersonsInvited"] == 1
    assert tried["itemsWritten"] == 0
    assert INVITED not in stack_process.output()

    export = drop(stack_process.imports, "nieuw.zip", *contact, "--export-id", "nieuw")
    report = wait_for_report(export)

    assert report["outcome"] == "loaded"
    assert report["counts"]["contactPersonsInvited"] == 1
    password = temporary_password(stack_process.output(), INVITED)
    idp = boto3.client(
        "cognito-idp",
        region_name=stack.config["region"],
        endpoint_url=stack.config["cognitoEndpoint"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client_id = stack.config["userPoolClientId"]
    first = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": INVITED, "PASSWORD": password},
    )
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"],
        ChallengeResponses={"USERNAME": INVITED, "NEW_PASSWORD": NEW_PASSWORD},
    )
    # The new password signs in (setting up the authenticator on the way, as the app does).
    token = stack.sign_in(INVITED, NEW_PASSWORD)

    status, me = stack.get("/api/me", token=token)
    assert status == 200, me
    assert [o["id"] for o in me["organisations"]] == [KEIRA_BHV]
    status, holders = stack.get(f"/api/holders?organisation={KEIRA_BHV}", token=token)
    assert status == 200, holders
    assert holders["items"]
