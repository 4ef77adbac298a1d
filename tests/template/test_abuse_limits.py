"""Abuse limits one client cannot sidestep: per viewer address (an IPv6 client as its /56) where
CloudFront sees it, one cap for every direct caller of the execute-api URL together, and a share
of the account's concurrency for each API function, so a flood on the public check cannot starve
signed-in contact persons."""

from __future__ import annotations

import json
import shutil
import subprocess  # nosec B404 - node runs the template's own CloudFront function
from typing import Any

import pytest
from cfnlint.decode import decode

from tests.template.test_template import (
    TEMPLATE,
    Template,
    get_att,
    properties,
    ref,
    resources_of_type,
)

API_FUNCTIONS = {
    "SearchFunction": "SearchConcurrency",
    "SubmitFunction": "SubmitConcurrency",
    "DownloadFunction": "DownloadConcurrency",
    "VerifyFunction": "VerifyConcurrency",
}


@pytest.fixture(scope="module")
def template() -> Template:
    decoded, problems = decode(str(TEMPLATE))
    assert decoded is not None, problems
    return dict(decoded)


def viewer_function_code(template: Template) -> str:
    config = properties(template, "WebDistribution")["DistributionConfig"]
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    (association,) = api["FunctionAssociations"]
    function, _ = get_att(association["FunctionARN"])
    return str(properties(template, function)["FunctionCode"])


def header_written(code: str, viewer_ip: str) -> str:
    """The viewer-address header the function writes for a viewer at `viewer_ip` (run in node;
    CloudFront's cloudfront-js-2.0 runs the same ECMAScript)."""
    node = shutil.which("node")
    assert node, "node (which make test needs anyway) runs the CloudFront function"
    event = {"viewer": {"ip": viewer_ip}, "request": {"headers": {}}}
    script = f"{code}\nprocess.stdout.write(JSON.stringify(handler({json.dumps(event)})));"
    result = subprocess.run(  # noqa: S603  # nosec B603 - node, with our own script
        [node, "-e", script], capture_output=True, text=True, check=True, timeout=30
    )
    return str(json.loads(result.stdout)["headers"]["x-pasjes-viewer-ip"]["value"])


@pytest.mark.parametrize(
    ("viewer", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:0::"),
        ("2001:db8:1:2ff:ffff::1", "2001:db8:1:200::"),
        ("2001:db8:1:ab12::", "2001:db8:1:ab00::"),
        ("2001:db8::7", "2001:db8:0:0::"),
        ("2001:db8:a::", "2001:db8:a:0::"),
        ("::1", "0:0:0:0::"),
    ],
)
def test_an_ipv6_viewer_is_counted_as_its_56_and_an_ipv4_one_as_itself(
    template: Template, viewer: str, counted_as: str
) -> None:
    assert header_written(viewer_function_code(template), viewer) == counted_as


def test_addresses_of_one_56_share_one_count_and_the_next_56_has_its_own(
    template: Template,
) -> None:
    code = viewer_function_code(template)
    # A home line's /56: 256 /64s, any address in any of them.
    rotated = {header_written(code, f"2001:db8:1:2{n:02x}::{n + 1:x}") for n in (0, 1, 0x7F, 0xFF)}

    assert rotated == {"2001:db8:1:200::"}
    assert header_written(code, "2001:db8:1:300::1") == "2001:db8:1:300::"


def rate_rule(template: Template, key: str) -> dict[str, Any]:
    (acl,) = resources_of_type(template, "AWS::WAFv2::WebACL").values()
    (rule,) = [
        r
        for r in acl["Properties"]["Rules"]
        if r["Statement"].get("RateBasedStatement", {}).get("AggregateKeyType") == key
    ]
    return dict(rule)


def test_direct_callers_of_the_execute_api_url_share_one_cap(template: Template) -> None:
    rule = rate_rule(template, "CONSTANT")
    statement = rule["Statement"]["RateBasedStatement"]
    source = rate_rule(template, "IP")["Statement"]["RateBasedStatement"]
    limit = template["Parameters"]["ApiDirectRateLimit"]

    # The same requests as the per-source-address rule: those without CloudFront's secret.
    assert statement["ScopeDownStatement"] == source["ScopeDownStatement"]
    assert "NotStatement" in statement["ScopeDownStatement"]
    assert ref(statement["Limit"]) == "ApiDirectRateLimit"
    assert statement["EvaluationWindowSec"] == 300
    assert int(limit["Default"]) >= int(limit["MinValue"]) >= 100
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429


def test_each_api_function_keeps_its_own_share_of_the_accounts_concurrency(
    template: Template,
) -> None:
    for function, parameter in API_FUNCTIONS.items():
        reserved = properties(template, function)["ReservedConcurrentExecutions"]
        condition, value, otherwise = reserved["Fn::If"]
        assert ref(value) == parameter
        assert otherwise == {"Ref": "AWS::NoValue"}
        # 0 turns the reservation off, for an account too small to reserve from.
        assert template["Conditions"][condition] == {
            "Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, "0"]}]
        }
        assert int(template["Parameters"][parameter]["MinValue"]) == 0


def test_the_public_check_cannot_take_what_signed_in_users_need(template: Template) -> None:
    defaults = {
        function: int(template["Parameters"][parameter]["Default"])
        for function, parameter in API_FUNCTIONS.items()
    }

    assert all(value > 0 for value in defaults.values())
    # Its reservation is also its ceiling; it is no larger than search's.
    assert defaults["VerifyFunction"] <= defaults["SearchFunction"]
    # AWS keeps 100 of an account's concurrency unreserved; the default limit is 1,000.
    assert sum(defaults.values()) + 100 <= 1000
