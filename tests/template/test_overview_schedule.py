"""template.yaml runs the monthly overview on days 1 to 7 (the function waits for the first
Dutch working day), with time for a national run and SES's send rate as a parameter; and gives
the function that serves the export the CPU its benchmark assumes."""

from __future__ import annotations

import pytest
from cfnlint.decode import decode

from pasjes.logic.overview import FAILED_METRIC
from tests.template.test_template import (
    TEMPLATE,
    Template,
    environment,
    properties,
    ref,
    resources_of_type,
)


@pytest.fixture(scope="module")
def template() -> Template:
    decoded, problems = decode(str(TEMPLATE))
    assert decoded is not None, problems
    return dict(decoded)


def test_the_overview_runs_on_the_first_seven_days_not_on_1w(template: Template) -> None:
    overview = properties(template, "OverviewFunction")
    schedule = overview["Events"]["Monthly"]["Properties"]

    # 1W is the weekday nearest the 1st: Nieuwjaarsdag every January.
    assert schedule["ScheduleExpression"] == "cron(0 7 1-7 * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Amsterdam"


def test_the_overview_has_lambdas_longest_time_and_is_told_the_send_rate(
    template: Template,
) -> None:
    assert properties(template, "OverviewFunction")["Timeout"] == 900
    assert ref(environment(template, "OverviewFunction")["MAIL_SEND_RATE"]) == "MailSendRate"
    assert template["Parameters"]["MailSendRate"]["Default"] == 14


def test_the_function_serving_the_export_has_a_full_vcpu(template: Template) -> None:
    # 1,769 MB is one vCPU: the XLSX's 1.4 s of CPU (bench/export.py) would be ~5 s at 512 MB.
    assert properties(template, "SearchFunction")["MemorySize"] >= 1769


def test_the_overview_may_send_only_as_mailsender(template: Template) -> None:
    (policy,) = properties(template, "OverviewFunction")["Policies"]
    (send,) = [s for s in policy["Statement"] if s["Action"] == "ses:SendEmail"]

    assert ref(send["Condition"]["StringEquals"]["ses:FromAddress"]) == "MailSender"


def test_mails_the_overview_could_not_send_alarm_on_the_operations_topic(
    template: Template,
) -> None:
    (alarm,) = [
        a["Properties"]
        for a in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == FAILED_METRIC
    ]

    # Where Powertools puts the handler's metric: the Globals' namespace and service name.
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert alarm["Namespace"] == variables["POWERTOOLS_METRICS_NAMESPACE"]
    service = variables["POWERTOOLS_SERVICE_NAME"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": service}]
    assert (alarm["Statistic"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
        "Sum",
        "GreaterThanOrEqualToThreshold",
        1,
    )
    assert alarm["TreatMissingData"] == "notBreaching"
    assert [ref(a) for a in alarm["AlarmActions"]] == ["OperationsTopic"]
