"""template.yaml deploys what the code expects: the tables of the pynamodb models, a handler for
every route, the Cognito authorizer on every route but the public check of a pass, API Gateway's
own errors in the portal's JSON, least-privilege roles, a safe render queue with an alarm that
notifies, a private bucket, the verification keys in Secrets Manager, and the audit trail (the
functions' audit lines in a log group of a year, CloudTrail's record of the passes bucket)."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path
from typing import Any, cast

import pytest
from cfnlint.decode import decode
from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from infra.tables import MODELS
from pasjes import audit
from pasjes.dal import TableName
from pasjes.rules import REQUEST_LIFETIME_DAYS
from pasjes.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"

# The API of issues #2 and #3: (method, path) -> the function directory that serves it.
ROUTES = {
    ("GET", "/me"): "search",
    ("GET", "/exam-types"): "search",
    ("GET", "/holders"): "search",
    ("GET", "/holders/{qualificationNumber}"): "search",
    ("GET", "/holders/export"): "search",
    ("POST", "/requests"): "submit",
    ("POST", "/requests/preview"): "submit",
    ("GET", "/requests"): "download",
    ("GET", "/requests/{id}"): "download",
    ("GET", "/requests/{id}/download"): "download",
    ("GET", "/verify/{code}"): "verify",
    ("GET", "/settings"): "settings",
    ("PUT", "/settings"): "settings",
}
# Routes anyone may call without signing in (issue #7: the check of a pass's QR code).
PUBLIC_ROUTES = {("GET", "/verify/{code}")}

# API Gateway's own answers: response type -> (status it is given, or None to keep the error's
# own, and the portal's error code).
GATEWAY_RESPONSES = {
    "UNAUTHORIZED": (401, "unauthenticated"),
    "EXPIRED_TOKEN": (401, "unauthenticated"),
    "MISSING_AUTHENTICATION_TOKEN": (403, "route_not_found"),
    "ACCESS_DENIED": (403, "access_denied"),
    "THROTTLED": (429, "throttled"),
    "REQUEST_TOO_LARGE": (413, "request_too_large"),
    "WAF_FILTERED": (403, "request_blocked"),
    "DEFAULT_4XX": (None, "bad_request"),
    "DEFAULT_5XX": (None, "internal_error"),
}

# Least privilege as properties of the roles, not a hand-kept copy of them.
READS = {
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:BatchGetItem",
    "secretsmanager:GetSecretValue",
}
# The registry (organisations, contact persons, holders, registrations) is written by the
# import alone (the importer function, or the operator's CLI): no other function may change who
# sees what.
REGISTRY = {"OrganisationsTable", "ContactsTable", "HoldersTable", "RegistrationsTable"}
IMPORTER = "ImporterFunction"
OVERVIEW = "OverviewFunction"
SETTINGS = "SettingsFunction"
# Each write, and the one function whose job it is.
WRITERS = {
    "RequestsTable": {"SubmitFunction", "RenderFunction", "DownloadFunction", IMPORTER},
    "IdempotencyTable": {"SubmitFunction", OVERVIEW},
    # The monthly overview's mail: its sender and its configuration set.
    "arn:aws:ses:${AWS::Region}:${AWS::AccountId}:identity/*": {OVERVIEW},
    "arn:aws:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${MailConfigurationSet}": {
        OVERVIEW
    },
    "ImportsTable": {IMPORTER},
    "RenderQueue": {"SubmitFunction"},
    "PassesBucket/requests/*": {"RenderFunction", IMPORTER},
    "AuditLogGroup": {"AuditForwarderFunction"},
    **{table: {IMPORTER} for table in REGISTRY},
    # Instellingen: the caller's own settings item ("#settings"), never a membership.
    "ContactsTable": {IMPORTER, SETTINGS},
    "ContactsTable/index/byOrganisation": {IMPORTER},
    "RequestsTable/index/byOwner": {IMPORTER},
    "ExportsBucket/*": {IMPORTER},
    "ExportsBucket/reports/*": {IMPORTER},
    "UserPool": {IMPORTER},
}
# Copies the functions' audit lines into the audit log group: the trail's only writer.
FORWARDER = "AuditForwarderFunction"
AUDIT_WRITES = {"logs:CreateLogStream", "logs:PutLogEvents"}
# Functions that only read: the searches and the public check.
READ_ONLY = {"SearchFunction", "VerifyFunction"}
# A presigned URL carries its signer's permission: only download signs, only ZIPs. The importer
# reads the exports (and signs nothing).
OBJECT_READERS = {"DownloadFunction": {"PassesBucket/requests/*"}, IMPORTER: {"ExportsBucket/*"}}
SECRET_READERS = {
    "CursorSecret": {"SearchFunction"},
    "VerificationSecret": {"RenderFunction", "VerifyFunction"},
}

Template = dict[str, Any]
# (keys, projection type, non-key attributes) of an index
Index = tuple[list[tuple[str, str]], str, list[str]]


@pytest.fixture(scope="module")
def template() -> Template:
    """The template as cfn-lint reads it: !Ref, !Sub and !GetAtt become their long forms."""
    decoded, problems = decode(str(TEMPLATE))
    assert not problems, problems
    assert decoded is not None
    return cast(Template, decoded)


def resources_of_type(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def properties(template: Template, name: str) -> dict[str, Any]:
    return cast(dict[str, Any], template["Resources"][name].get("Properties", {}))


def ref(value: Any) -> str:
    assert isinstance(value, dict), f"expected a !Ref, got {value!r}"
    assert set(value) == {"Ref"}, f"expected a !Ref, got {value!r}"
    return str(value["Ref"])


def get_att(value: Any) -> tuple[str, str]:
    assert isinstance(value, dict), f"expected a !GetAtt, got {value!r}"
    assert set(value) == {"Fn::GetAtt"}, f"expected a !GetAtt, got {value!r}"
    resource, attribute = value["Fn::GetAtt"]
    return str(resource), str(attribute)


def global_function_setting(template: Template, name: str) -> Any:
    return template.get("Globals", {}).get("Function", {}).get(name)


def function_setting(template: Template, function: str, name: str) -> Any:
    """A function's own setting, or the one it inherits from Globals."""
    own = properties(template, function).get(name)
    return own if own is not None else global_function_setting(template, name)


def environment(template: Template, function: str) -> dict[str, Any]:
    """The function's environment variables: those from Globals merged with its own."""
    inherited = global_function_setting(template, "Environment") or {}
    own = properties(template, function).get("Environment") or {}
    return {**inherited.get("Variables", {}), **own.get("Variables", {})}


def env_var_of(model: type[Model]) -> str:
    """The environment variable that names the model's table (its Meta.table_name setting)."""
    table_name = vars(model.Meta)["table_name"]
    assert isinstance(table_name, TableName), f"{model.__name__} must take its name from settings"
    return table_name.setting.upper()


def table_of(template: Template, model: type[Model]) -> str:
    """The table resource whose name every function is given for this model."""
    variable = env_var_of(model)
    globals_env = (global_function_setting(template, "Environment") or {}).get("Variables", {})
    assert variable in globals_env, f"Globals do not give the functions {variable}"
    name = ref(globals_env[variable])
    assert template["Resources"][name]["Type"] == "AWS::DynamoDB::Table"
    return name


def keys(key_schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(KeyType, AttributeName), HASH before RANGE."""
    return sorted((k["KeyType"], k["AttributeName"]) for k in key_schema)


def attribute_types(definitions: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(AttributeName, AttributeType) of the key attributes."""
    return sorted((d["AttributeName"], d["AttributeType"]) for d in definitions)


def api_events(template: Template) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(function, METHOD, path, event properties) for every Api event in the template."""
    found = []
    for name in resources_of_type(template, "AWS::Serverless::Function"):
        for event in (properties(template, name).get("Events") or {}).values():
            if event["Type"] == "Api":
                props = event["Properties"]
                found.append((name, str(props["Method"]).upper(), str(props["Path"]), props))
    return found


def sqs_event(template: Template, function: str) -> dict[str, Any]:
    events = properties(template, function).get("Events") or {}
    (event,) = [e["Properties"] for e in events.values() if e["Type"] == "SQS"]
    return cast(dict[str, Any], event)


def render_function(template: Template) -> str:
    """The function the render queue feeds."""
    (name,) = [
        name
        for name in resources_of_type(template, "AWS::Serverless::Function")
        if any(
            e["Type"] == "SQS" and get_att(e["Properties"]["Queue"])[0] == "RenderQueue"
            for e in (properties(template, name).get("Events") or {}).values()
        )
    ]
    return name


def resource_named(value: Any) -> str:
    """ "RequestsTable" for !GetAtt RequestsTable.Arn, "PassesBucket/requests/*" for
    !Sub ${PassesBucket.Arn}/requests/*, "VerificationSecret" for !Ref VerificationSecret (a
    secret's Ref is its ARN; `grants` checks that a Ref names a secret): the resource a policy
    statement names. A wildcard or a literal ARN fails here."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return ref(value)
    if isinstance(value, dict) and set(value) == {"Fn::GetAtt"}:
        resource, attribute = get_att(value)
        assert attribute == "Arn", f"a policy names {resource}.{attribute}, not an ARN"
        return resource
    assert isinstance(value, dict), f"a policy names {value!r} instead of a resource's ARN"
    assert set(value) == {"Fn::Sub"}, f"a policy names {value!r} instead of a resource's ARN"
    assert isinstance(value["Fn::Sub"], str), f"a policy names {value!r}"
    return re.sub(r"\$\{(\w+)\.Arn\}", r"\1", value["Fn::Sub"])


def grants(template: Template, function: str, effect: str = "Allow") -> set[tuple[str, str]]:
    """(action, resource) for every action a function's inline policies allow (or deny)."""
    found: set[tuple[str, str]] = set()
    for policy in properties(template, function).get("Policies") or []:
        assert set(policy) == {"Statement"}, f"{function} has a policy template: {policy}"
        for statement in policy["Statement"]:
            assert statement["Effect"] in ("Allow", "Deny")
            if statement["Effect"] != effect:
                continue
            # A condition only narrows an Allow; the one kind allowed is the sender's address.
            condition = statement.get("Condition", {"StringEquals": {"ses:FromAddress": ""}})
            assert list(condition) == ["StringEquals"], f"{function}: a condition not understood"
            assert list(condition["StringEquals"]) == ["ses:FromAddress"], (
                f"{function}: a condition the test cannot read"
            )
            actions = statement["Action"]
            resources = statement["Resource"]
            for resource in resources if isinstance(resources, list) else [resources]:
                if isinstance(resource, dict) and set(resource) == {"Ref"}:
                    # Only a secret's Ref is an ARN; a table's or a bucket's is its name.
                    referenced = template["Resources"][ref(resource)]["Type"]
                    assert referenced == "AWS::SecretsManager::Secret", (
                        f"{function} names {resource} by !Ref, which is not its ARN"
                    )
                found |= {
                    (action, resource_named(resource))
                    for action in ([actions] if isinstance(actions, str) else actions)
                }
    return found


def bucket_policy_statements(template: Template, bucket: str) -> list[dict[str, Any]]:
    (policy,) = [
        p["Properties"]["PolicyDocument"]
        for p in resources_of_type(template, "AWS::S3::BucketPolicy").values()
        if ref(p["Properties"]["Bucket"]) == bucket
    ]
    return cast(list[dict[str, Any]], policy["Statement"])


def distribution(template: Template) -> dict[str, Any]:
    (name,) = resources_of_type(template, "AWS::CloudFront::Distribution")
    return cast(dict[str, Any], properties(template, name)["DistributionConfig"])


def origin_of(config: dict[str, Any], behaviour: dict[str, Any]) -> dict[str, Any]:
    (origin,) = [o for o in config["Origins"] if o["Id"] == behaviour["TargetOriginId"]]
    return cast(dict[str, Any], origin)


def api_behaviour(config: dict[str, Any]) -> dict[str, Any]:
    (behaviour,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    return cast(dict[str, Any], behaviour)


def sub_text(value: Any) -> str:
    """The template string of a !Sub (or a plain string)."""
    if isinstance(value, str):
        return value
    assert isinstance(value, dict), f"expected a string or !Sub, got {value!r}"
    assert set(value) == {"Fn::Sub"}, f"expected a string or !Sub, got {value!r}"
    text = value["Fn::Sub"]
    return str(text if isinstance(text, str) else text[0])


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def dead_letter_alarm(template: Template) -> dict[str, Any]:
    redrive = properties(template, "RenderQueue")["RedrivePolicy"]
    dead_letter_queue, _ = get_att(redrive["deadLetterTargetArn"])
    (alarm,) = [
        alarm["Properties"]
        for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        for dimension in alarm["Properties"].get("Dimensions", [])
        if dimension["Name"] == "QueueName" and get_att(dimension["Value"])[0] == dead_letter_queue
    ]
    return cast(dict[str, Any], alarm)


def handler_file(template: Template, function: str) -> Path:
    """The file that holds the function's handler, which must be called `handler`."""
    code_uri = str(properties(template, function)["CodeUri"])
    module, _, attribute = str(function_setting(template, function, "Handler")).rpartition(".")
    assert attribute == "handler", f"{function} names its handler {attribute!r}"
    return ROOT / code_uri / f"{module.replace('.', '/')}.py"


def defines_handler(app: Path) -> bool:
    """app.py defines a top-level `handler` (a function or an assigned callable)."""
    tree = ast.parse(app.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "handler":
            return True
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "handler" for t in targets):
                return True
    return False


# ---------------------------------------------------------------- tables


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_deployed_table_has_the_keys_of_its_model(template: Template, model: type[Model]) -> None:
    table = properties(template, table_of(template, model))
    schema = model._get_schema()

    assert keys(table["KeySchema"]) == keys(cast(list[dict[str, str]], schema["key_schema"]))
    assert attribute_types(table["AttributeDefinitions"]) == attribute_types(
        cast(list[dict[str, str]], schema["attribute_definitions"])
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_deployed_table_has_the_indexes_of_its_model(
    template: Template, model: type[Model]
) -> None:
    table = properties(template, table_of(template, model))
    schema = model._get_schema()

    def modelled(indexes: list[Any]) -> dict[str, Index]:
        return {
            i["index_name"]: (
                keys(i["key_schema"]),
                i["projection"]["ProjectionType"],
                sorted(i["projection"].get("NonKeyAttributes", [])),
            )
            for i in indexes
        }

    def deployed(indexes: list[Any]) -> dict[str, Index]:
        return {
            i["IndexName"]: (
                keys(i["KeySchema"]),
                i["Projection"]["ProjectionType"],
                sorted(i["Projection"].get("NonKeyAttributes", [])),
            )
            for i in indexes
        }

    assert deployed(table.get("GlobalSecondaryIndexes", [])) == modelled(
        list(schema["global_secondary_indexes"])
    )
    assert deployed(table.get("LocalSecondaryIndexes", [])) == modelled(
        list(schema["local_secondary_indexes"])
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_deployed_table_expires_items_on_the_ttl_attribute_of_its_model(
    template: Template, model: type[Model]
) -> None:
    table = properties(template, table_of(template, model))
    ttl = [a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)]

    if ttl:
        assert table.get("TimeToLiveSpecification") == {"AttributeName": ttl[0], "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in table


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_deployed_table_is_on_demand_recoverable_and_encrypted(
    template: Template, model: type[Model]
) -> None:
    table = properties(template, table_of(template, model))

    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"]["SSEEnabled"] is True


def test_template_declares_no_table_without_a_model(template: Template) -> None:
    modelled = {table_of(template, model) for model in MODELS}

    assert set(resources_of_type(template, "AWS::DynamoDB::Table")) == modelled


# ---------------------------------------------------------------- functions and routes


def test_every_function_is_given_the_deployed_names_of_what_settings_reads(
    template: Template,
) -> None:
    # REGION comes from the runtime; the others are for some functions only and tested below.
    own = {
        "REGION",
        "CURSOR_SECRET_NAME",
        "MAX_RECEIVES",
        "PUBLIC_ORIGIN",
        "VERIFICATION_SECRET_NAME",
        "ISSUER_NAME",
        "ISSUED_BY",
        "EXPORTS_BUCKET",
        "USER_POOL_ID",
        "MAIL_SENDER",
        "MAIL_CONFIGURATION_SET",
        "MAIL_SEND_RATE",
    }
    variables = {f.name.upper() for f in dataclasses.fields(Settings)} - own

    for function in resources_of_type(template, "AWS::Serverless::Function"):
        missing = variables - set(environment(template, function))
        assert not missing, f"{function} lacks {sorted(missing)}"


def test_only_the_search_function_is_told_where_the_cursor_key_is(template: Template) -> None:
    holding = {
        function: environment(template, function)["CURSOR_SECRET_NAME"]
        for function in resources_of_type(template, "AWS::Serverless::Function")
        if "CURSOR_SECRET_NAME" in environment(template, function)
    }

    assert set(holding) == {"SearchFunction"}
    # The secret's ARN, read at run time: no dynamic reference resolves it into the environment.
    assert holding["SearchFunction"] == {"Ref": "CursorSecret"}
    assert template["Resources"]["CursorSecret"]["Type"] == "AWS::SecretsManager::Secret"
    assert ("secretsmanager:GetSecretValue", "CursorSecret") in grants(template, "SearchFunction")


def test_no_secret_value_is_resolved_into_a_functions_environment(template: Template) -> None:
    for function in resources_of_type(template, "AWS::Serverless::Function"):
        text = json.dumps(environment(template, function))
        assert "{{resolve:" not in text, f"{function} gets a secret's value at deploy time"


def test_only_render_and_verify_are_told_where_the_verification_keys_are(
    template: Template,
) -> None:
    holding = {
        function: environment(template, function)["VERIFICATION_SECRET_NAME"]
        for function in resources_of_type(template, "AWS::Serverless::Function")
        if "VERIFICATION_SECRET_NAME" in environment(template, function)
    }

    assert set(holding) == {render_function(template), "VerifyFunction"}
    # The secret's ARN, never its value: no dynamic reference resolves it into the environment.
    assert all(ref(value) == "VerificationSecret" for value in holding.values())
    assert "PUBLIC_ORIGIN" in environment(template, render_function(template))


def test_the_verification_keys_are_made_in_the_shape_the_code_reads(template: Template) -> None:
    from pasjes.logic.verification import MIN_SECRET_BYTES, VerificationKeys

    secret = template["Resources"]["VerificationSecret"]
    generated = secret["Properties"]["GenerateSecretString"]
    key_id = generated["GenerateStringKey"]
    # What Secrets Manager makes: the template with a random string of letters and digits.
    document = json.loads(generated["SecretStringTemplate"])
    document[key_id] = ("Ab9" * 64)[: int(generated["PasswordLength"])]

    keys = VerificationKeys.from_json(json.dumps(document))

    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert keys.current == key_id
    assert len(keys.secrets[key_id]) >= MIN_SECRET_BYTES
    assert generated["ExcludePunctuation"] is True
    assert generated.get("IncludeSpace", False) is False
    # Printed passes can be checked only as long as their key exists.
    assert secret["DeletionPolicy"] == "Retain"
    assert secret["UpdateReplacePolicy"] == "Retain"


def test_every_function_runs_python_313_with_the_shared_layer(template: Template) -> None:
    for function in resources_of_type(template, "AWS::Serverless::Function"):
        assert function_setting(template, function, "Runtime") == "python3.13"
        layers = [ref(layer) for layer in function_setting(template, function, "Layers")]
        assert layers == ["SharedLayer"]

    layer = template["Resources"]["SharedLayer"]
    assert layer["Properties"]["ContentUri"] == "functions/shared/"
    assert layer["Metadata"]["BuildMethod"] == "makefile"


@pytest.mark.parametrize(
    ("resource", "folder"),
    [("SharedLayer", "functions/shared"), ("RenderFunction", "functions/render")],
)
def test_what_ships_dependencies_compiles_them_to_bytecode_lambda_can_use(
    template: Template, resource: str, folder: str
) -> None:
    # sam dates every packaged file 1980-01-01: only hash-based .pyc files survive that.
    assert template["Resources"][resource]["Metadata"]["BuildMethod"] == "makefile"
    recipe = (ROOT / folder / "Makefile").read_text()
    assert f"build-{resource}:" in recipe
    assert "--require-hashes" in recipe
    assert "--invalidation-mode unchecked-hash" in recipe


def test_the_template_routes_exactly_the_api_of_the_portal(template: Template) -> None:
    routes = {(method, path) for _, method, path, _ in api_events(template)}

    assert routes == set(ROUTES)


@pytest.mark.parametrize(("route", "directory"), ROUTES.items(), ids=lambda r: str(r))
def test_every_route_reaches_a_handler_that_exists(
    template: Template, route: tuple[str, str], directory: str
) -> None:
    (function,) = [name for name, *served, _ in api_events(template) if tuple(served) == route]
    app = handler_file(template, function)

    assert app.parent == ROOT / "functions" / directory
    assert app.is_file(), f"{route} is served by {app.relative_to(ROOT)}, which does not exist"
    assert defines_handler(app), f"{app.relative_to(ROOT)} defines no `handler`"


def test_render_queue_reaches_a_handler_that_exists(template: Template) -> None:
    app = handler_file(template, render_function(template))

    assert app.parent == ROOT / "functions" / "render"
    assert app.is_file(), f"the render queue is served by {app.relative_to(ROOT)}, which is missing"
    assert defines_handler(app), f"{app.relative_to(ROOT)} defines no `handler`"


# ---------------------------------------------------------------- API and sign-in


def test_the_xlsx_export_reaches_the_browser_as_bytes(template: Template) -> None:
    """The function answers base64; API Gateway decodes it only for a binary media type."""
    api = properties(template, "PasjesApi")

    binary = api["BinaryMediaTypes"]
    assert "application~1vnd.openxmlformats-officedocument.spreadsheetml.sheet" in binary


def test_every_route_but_the_public_check_needs_a_cognito_id_token(template: Template) -> None:
    api = properties(template, "PasjesApi")
    auth = api["Auth"]
    authorizer = auth["Authorizers"][auth["DefaultAuthorizer"]]
    pool, attribute = get_att(authorizer["UserPoolArn"])

    assert template["Resources"][pool]["Type"] == "AWS::Cognito::UserPool"
    assert attribute == "Arn"
    assert authorizer.get("Identity", {}).get("Header", "Authorization") == "Authorization"
    for function, method, path, event in api_events(template):
        assert ref(event["RestApiId"]) == "PasjesApi", f"{method} {path} is not on PasjesApi"
        if (method, path) in PUBLIC_ROUTES:
            assert event["Auth"] == {"Authorizer": "NONE"}, f"{method} {path} is not public"
        else:
            assert "Auth" not in event, f"{function} overrides the authorizer on {method} {path}"


def test_the_public_check_has_its_own_lower_throttle(template: Template) -> None:
    settings = properties(template, "PasjesApi")["MethodSettings"]
    (stage,) = [s for s in settings if s["ResourcePath"] == "/*"]

    for method, path in PUBLIC_ROUTES:
        # API Gateway spells a method setting's resource path with ~1 for each slash.
        encoded = "/~1" + path.lstrip("/").replace("/", "~1")
        (own,) = [s for s in settings if s["ResourcePath"] == encoded and s["HttpMethod"] == method]
        assert 0 < own["ThrottlingRateLimit"] < stage["ThrottlingRateLimit"]
        assert 0 < own["ThrottlingBurstLimit"] < stage["ThrottlingBurstLimit"]


def test_the_public_check_is_behind_the_stages_web_acl(template: Template) -> None:
    (association,) = resources_of_type(template, "AWS::WAFv2::WebACLAssociation").values()
    stage = sub_text(association["Properties"]["ResourceArn"])

    # The web ACL guards the whole stage, and every route is on that one API.
    assert stage.endswith("/restapis/${PasjesApi}/stages/${PasjesApi.Stage}")
    for method, path in PUBLIC_ROUTES:
        (event,) = [e for _, m, p, e in api_events(template) if (m, p) == (method, path)]
        assert ref(event["RestApiId"]) == "PasjesApi"
    # No rule lets a path through unexamined.
    assert not any("Allow" in rule.get("Action", {}) for rule in web_acl(template)["Rules"])


def test_api_is_served_under_api_with_throttling_and_without_swagger_ui(
    template: Template,
) -> None:
    api = properties(template, "PasjesApi")

    assert api["StageName"] == "api"
    assert all(
        setting["ThrottlingRateLimit"] > 0 and setting["ThrottlingBurstLimit"] > 0
        for setting in api["MethodSettings"]
    )
    assert "Cors" not in api
    assert all("swagger" not in path.lower() for _, _, path, _ in api_events(template))


@pytest.mark.parametrize(("response_type", "expected"), GATEWAY_RESPONSES.items())
def test_api_gateways_own_errors_answer_json_with_a_message_and_a_code(
    template: Template, response_type: str, expected: tuple[int | None, str]
) -> None:
    responses = properties(template, "PasjesApi").get("GatewayResponses") or {}
    assert response_type in responses, f"PasjesApi does not shape API Gateway's {response_type}"
    response = responses[response_type]
    body = response["ResponseTemplates"]["application/json"]
    # API Gateway substitutes these; messageString is the message as a quoted JSON string.
    quoted = json.dumps('API Gateway\'s "own" message')
    body = body.replace("$context.error.messageString", quoted)
    body = body.replace("$context.error.message", quoted[1:-1])

    answer = json.loads(body)

    status, code = expected
    assert set(answer) == {"message", "code"}
    assert answer["code"] == code
    assert isinstance(answer["message"], str)
    assert answer["message"]
    assert (int(response["StatusCode"]) if "StatusCode" in response else None) == status
    headers = response["ResponseParameters"]["Headers"]
    assert headers["Content-Type"] == "'application/json'"
    # Like every answer of our functions: never kept by a browser or a proxy.
    assert headers["Cache-Control"] == "'no-store'"
    assert headers["X-Content-Type-Options"] == "'nosniff'"


def test_a_server_error_of_api_gateway_shows_no_detail(template: Template) -> None:
    response = properties(template, "PasjesApi")["GatewayResponses"]["DEFAULT_5XX"]

    assert "$" not in response["ResponseTemplates"]["application/json"]


# ---------------------------------------------------------------- least privilege


def functions_of(template: Template) -> list[str]:
    return sorted(resources_of_type(template, "AWS::Serverless::Function"))


def test_no_function_but_the_importer_may_change_the_registry(template: Template) -> None:
    for function in set(functions_of(template)) - {IMPORTER}:
        writes = {(a, r) for a, r in grants(template, function) if a not in READS}
        # Settings puts the caller's own settings item in the contacts table, nothing else
        # (tests/aws/test_settings_api.py): no membership, organisation or holder.
        allowed = {("dynamodb:PutItem", "ContactsTable")} if function == SETTINGS else set()
        registry_writes = {(a, r) for a, r in writes if r in REGISTRY}
        assert registry_writes <= allowed, f"{function} writes the registry"


def test_each_write_is_granted_only_to_the_function_whose_job_it_is(template: Template) -> None:
    for function in functions_of(template):
        for action, resource in grants(template, function):
            if action in READS or action in ("s3:GetObject", "s3:GetObjectVersion"):
                continue
            assert function in WRITERS.get(resource, set()), f"{function}: {action} {resource}"


@pytest.mark.parametrize("function", sorted(READ_ONLY))
def test_the_searches_and_the_public_check_only_read(template: Template, function: str) -> None:
    actions = {action for action, _ in grants(template, function)}
    assert actions <= READS, f"{function} may {actions - READS}"


def test_only_download_signs_links_and_only_to_request_zips(template: Template) -> None:
    for function in functions_of(template):
        gets = {r for a, r in grants(template, function) if a.startswith("s3:GetObject")}
        assert gets == OBJECT_READERS.get(function, set()), function


def test_secrets_are_read_by_the_functions_that_need_them_only(template: Template) -> None:
    for function in functions_of(template):
        read = {r for a, r in grants(template, function) if a == "secretsmanager:GetSecretValue"}
        for secret in read:
            assert function in SECRET_READERS.get(secret, set()), f"{function} reads {secret}"


def test_no_function_may_scan_or_use_a_wildcard(template: Template) -> None:
    for function in functions_of(template):
        for action, resource in grants(template, function):
            assert "*" not in action, f"{function}: {action}"
            assert action != "dynamodb:Scan", f"{function} may scan a table"
            # Only "every object under a prefix" (bucket/prefix/*) may hold a star.
            stars = 1 if resource.endswith("/*") else 0
            assert resource.count("*") == stars, f"{function}: {resource}"


def test_the_forwarder_writes_the_audit_trail_and_nothing_else(template: Template) -> None:
    assert grants(template, FORWARDER) == {(action, "AuditLogGroup") for action in AUDIT_WRITES}
    assert ref(environment(template, FORWARDER)["AUDIT_LOG_GROUP"]) == "AuditLogGroup"


def test_no_other_function_may_add_to_the_audit_trail(template: Template) -> None:
    # SAM gives every role AWSLambdaBasicExecutionRole (logs:PutLogEvents on every log group):
    # only an explicit deny keeps a function from writing lines into the trail itself.
    for function in functions_of(template):
        if function != FORWARDER:
            denied = grants(template, function, effect="Deny")
            assert {(action, "AuditLogGroup") for action in AUDIT_WRITES} <= denied, function


def test_only_administrators_create_contact_persons(template: Template) -> None:
    pool = properties(template, "UserPool")
    client = properties(template, "UserPoolClient")

    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    assert client["GenerateSecret"] is False
    assert ref(client["UserPoolId"]) == "UserPool"


def test_every_contact_person_signs_in_with_an_authenticator_app_code(
    template: Template,
) -> None:
    pool = properties(template, "UserPool")

    assert pool["MfaConfiguration"] == "ON"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    # Linking the app happens inside the first sign-in's session: the longest one Cognito allows.
    assert properties(template, "UserPoolClient")["AuthSessionValidity"] == 15


def test_sign_in_is_guarded_by_enforced_threat_protection(template: Template) -> None:
    pool = properties(template, "UserPool")

    assert pool["UserPoolTier"] == "PLUS"
    assert pool["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"


def test_the_user_pool_survives_a_mistaken_delete(template: Template) -> None:
    resource = template["Resources"]["UserPool"]

    assert resource["Properties"]["DeletionProtection"] == "ACTIVE"
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"


def test_the_app_client_never_receives_a_password(template: Template) -> None:
    flows = set(properties(template, "UserPoolClient")["ExplicitAuthFlows"])

    assert flows == {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}


def test_a_contact_person_cannot_change_their_own_email(template: Template) -> None:
    client = properties(template, "UserPoolClient")
    pool = properties(template, "UserPool")

    # Present and not empty: without WriteAttributes a client may write every attribute.
    assert client["WriteAttributes"]
    assert not {"email", "email_verified"} & set(client["WriteAttributes"])
    assert {"email", "email_verified"} <= set(client["ReadAttributes"])
    assert pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"] == [
        "email"
    ]


def test_the_app_client_hides_who_exists_and_can_revoke_its_tokens(template: Template) -> None:
    client = properties(template, "UserPoolClient")

    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is True


def test_an_open_tab_stays_signed_in_for_a_working_day_with_hour_long_tokens(
    template: Template,
) -> None:
    client = properties(template, "UserPoolClient")
    seconds = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
    units = client["TokenValidityUnits"]

    def lifetime(token: str) -> int:
        return int(client[f"{token}Validity"]) * seconds[units[token]]

    assert lifetime("IdToken") == lifetime("AccessToken") == 3600
    assert 8 * 3600 <= lifetime("RefreshToken") <= 24 * 3600


# ---------------------------------------------------------------- render queue


def test_render_reports_failed_records_of_a_batch_individually(template: Template) -> None:
    event = sqs_event(template, render_function(template))

    assert event.get("FunctionResponseTypes") == ["ReportBatchItemFailures"]
    assert get_att(event["Queue"]) == ("RenderQueue", "Arn")


def test_a_flood_of_requests_cannot_take_every_lambda_for_rendering(template: Template) -> None:
    event = sqs_event(template, render_function(template))

    assert 2 <= int(event["ScalingConfig"]["MaximumConcurrency"]) <= 10


def test_render_queue_hides_a_message_for_six_times_the_render_timeout(
    template: Template,
) -> None:
    timeout = int(function_setting(template, render_function(template), "Timeout"))
    queue = properties(template, "RenderQueue")

    assert int(queue["VisibilityTimeout"]) >= 6 * timeout


def test_the_dead_letter_alarm_notifies_the_operations_topic(template: Template) -> None:
    alarm = dead_letter_alarm(template)

    assert [ref(action) for action in alarm.get("AlarmActions", [])] == ["OperationsTopic"]
    assert template["Resources"]["OperationsTopic"]["Type"] == "AWS::SNS::Topic"


def test_cloudwatch_may_use_the_key_of_the_encrypted_operations_topic(
    template: Template,
) -> None:
    # Not alias/aws/sns: its key policy does not let CloudWatch alarms publish to the topic.
    key = ref(properties(template, "OperationsTopic")["KmsMasterKeyId"])
    statements = properties(template, key)["KeyPolicy"]["Statement"]

    assert template["Resources"][key]["Type"] == "AWS::KMS::Key"
    assert any(
        s["Effect"] == "Allow"
        and s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
        and {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(s["Action"])
        for s in statements
    )


def test_an_alarm_email_is_subscribed_only_when_one_is_given(template: Template) -> None:
    (name,) = resources_of_type(template, "AWS::SNS::Subscription")
    subscription = template["Resources"][name]
    condition = template["Conditions"][subscription["Condition"]]

    assert template["Parameters"]["AlarmEmail"]["Default"] == ""
    assert condition == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}
    assert ref(subscription["Properties"]["TopicArn"]) == "OperationsTopic"
    assert subscription["Properties"]["Protocol"] == "email"
    assert ref(subscription["Properties"]["Endpoint"]) == "AlarmEmail"


def test_render_knows_which_receive_is_the_last_before_the_dead_letter_queue(
    template: Template,
) -> None:
    redrive = properties(template, "RenderQueue")["RedrivePolicy"]
    dead_letter_queue, _ = get_att(redrive["deadLetterTargetArn"])
    alarmed = {
        get_att(dimension["Value"])[0]
        for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        for dimension in alarm["Properties"].get("Dimensions", [])
        if dimension["Name"] == "QueueName"
    }

    assert int(environment(template, render_function(template))["MAX_RECEIVES"]) == int(
        redrive["maxReceiveCount"]
    )
    assert dead_letter_queue in alarmed


# ---------------------------------------------------------------- passes bucket


@pytest.mark.parametrize("name", ["PassesBucket", "WebBucket", "TrailBucket"])
def test_bucket_blocks_all_public_access(template: Template, name: str) -> None:
    bucket = properties(template, name)

    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]


@pytest.mark.parametrize("bucket", ["PassesBucket", "WebBucket", "TrailBucket"])
def test_bucket_refuses_requests_without_tls(template: Template, bucket: str) -> None:
    statements = bucket_policy_statements(template, bucket)

    assert any(
        s["Effect"] == "Deny"
        and s["Principal"] == "*"
        and s["Action"] == "s3:*"
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )


def test_passes_bucket_deletes_zips_only_after_their_lifetime(template: Template) -> None:
    rules = properties(template, "PassesBucket")["LifecycleConfiguration"]["Rules"]
    (expiry,) = [r for r in rules if r.get("Prefix") == "requests/"]

    assert expiry["Status"] == "Enabled"
    assert int(expiry["ExpirationInDays"]) > REQUEST_LIFETIME_DAYS


def test_passes_bucket_keeps_a_zip_one_day_past_its_request(template: Template) -> None:
    """S3 expires objects at the midnight (UTC) after the days are over: a day beyond the
    request's lifetime, so no ZIP disappears while its request still offers a link."""
    rules = properties(template, "PassesBucket")["LifecycleConfiguration"]["Rules"]
    (expiry,) = [r for r in rules if r.get("Prefix") == "requests/"]

    assert int(expiry["ExpirationInDays"]) == REQUEST_LIFETIME_DAYS + 1


# ---------------------------------------------------------------- web app behind CloudFront

# Managed CloudFront policies, by their documented ids.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def test_only_the_distribution_reads_the_web_bucket(template: Template) -> None:
    allowed = [s for s in bucket_policy_statements(template, "WebBucket") if s["Effect"] == "Allow"]
    config = distribution(template)
    (web_origin,) = [o for o in config["Origins"] if "S3OriginConfig" in o]
    (distribution_name,) = resources_of_type(template, "AWS::CloudFront::Distribution")

    assert len(allowed) == 1
    (statement,) = allowed
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert resource_named(statement["Resource"]) == "WebBucket/*"
    source_arn = sub_text(statement["Condition"]["StringEquals"]["AWS:SourceArn"])
    assert source_arn.endswith(f":distribution/${{{distribution_name}}}")
    assert get_att(web_origin["DomainName"]) == ("WebBucket", "RegionalDomainName")
    assert web_origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    oac, _ = get_att(web_origin["OriginAccessControlId"])
    oac_config = properties(template, oac)["OriginAccessControlConfig"]
    assert oac_config["OriginAccessControlOriginType"] == "s3"
    assert oac_config["SigningBehavior"] == "always"


def test_the_distribution_speaks_only_https(template: Template) -> None:
    config = distribution(template)
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]

    assert all(b["ViewerProtocolPolicy"] in ("redirect-to-https", "https-only") for b in behaviours)
    for origin in config["Origins"]:
        if "CustomOriginConfig" in origin:
            assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
            assert origin["CustomOriginConfig"]["OriginSSLProtocols"] == ["TLSv1.2"]
    # With the portal's own domain, TLS 1.2 at least; *.cloudfront.net cannot enforce it.
    condition, own_domain, default = config["ViewerCertificate"]["Fn::If"]
    assert condition == "HasWebDomain"
    assert own_domain["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert own_domain["SslSupportMethod"] == "sni-only"
    assert default == {"CloudFrontDefaultCertificate": True}


def test_the_app_is_served_from_index_html_for_every_route_but_api_errors_pass(
    template: Template,
) -> None:
    config = distribution(template)
    default = config["DefaultCacheBehavior"]
    (association,) = default["FunctionAssociations"]
    function, _ = get_att(association["FunctionARN"])
    code = properties(template, function)["FunctionCode"]

    assert config["DefaultRootObject"] == "index.html"
    assert "CustomErrorResponses" not in config, "would turn the API's errors into index.html"
    assert origin_of(config, default)["Id"] == "web"
    assert association["EventType"] == "viewer-request"
    assert '"/index.html"' in code
    for association in api_behaviour(config).get("FunctionAssociations", []):
        function, _ = get_att(association["FunctionARN"])
        assert "index.html" not in properties(template, function)["FunctionCode"]


def test_every_response_carries_the_security_headers(template: Template) -> None:
    config = distribution(template)
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    (policy,) = {ref(b["ResponseHeadersPolicyId"]) for b in behaviours}
    headers = properties(template, policy)["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]

    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 365 * 24 * 3600
    assert headers["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert all(h["Override"] is True for h in headers.values())


def test_the_content_security_policy_allows_only_the_app_the_api_and_cognito(
    template: Template,
) -> None:
    (policy,) = resources_of_type(template, "AWS::CloudFront::ResponseHeadersPolicy").values()
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"][
        "ContentSecurityPolicy"
    ]
    directives = csp_directives(sub_text(csp["ContentSecurityPolicy"]))

    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'", "https://cognito-idp.${AWS::Region}.amazonaws.com"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }


def test_api_paths_go_to_the_api_stage_uncached_with_the_callers_headers(
    template: Template,
) -> None:
    config = distribution(template)
    behaviour = api_behaviour(config)
    origin = origin_of(config, behaviour)
    stage = properties(template, "PasjesApi")["StageName"]

    assert behaviour["PathPattern"] == f"/{stage}/*"
    # No OriginPath: CloudFront's /api/holders is the stage "api"'s /holders.
    assert origin.get("OriginPath", "") == ""
    assert (
        sub_text(origin["DomainName"])
        == "${PasjesApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    )
    assert behaviour["CachePolicyId"] == CACHING_DISABLED
    assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} <= set(behaviour["AllowedMethods"])


def test_passes_link_to_the_portal_where_the_browser_finds_it(template: Template) -> None:
    origin = environment(template, render_function(template))["PUBLIC_ORIGIN"]
    web_url = template["Outputs"]["WebUrl"]["Value"]

    assert origin == web_url
    assert [sub_text(v) for v in origin["Fn::If"][1:]] == [
        "https://${WebDomainName}",
        "https://${WebDistribution.DomainName}",
    ]


def test_the_publish_command_finds_what_it_needs_in_the_outputs(template: Template) -> None:
    from infra.ops.publish_web import REQUIRED_OUTPUTS

    assert set(REQUIRED_OUTPUTS) <= set(template["Outputs"])


# ---------------------------------------------------------------- audit trail


def log_group_of(template: Template, function: str) -> str:
    return ref(properties(template, function)["LoggingConfig"]["LogGroup"])


def audit_subscriptions(template: Template) -> dict[str, dict[str, Any]]:
    """Log group -> the subscription filter on it (the template's, all of them)."""
    found: dict[str, dict[str, Any]] = {}
    for resource in resources_of_type(template, "AWS::Logs::SubscriptionFilter").values():
        group = ref(resource["Properties"]["LogGroupName"])
        assert group not in found, f"{group} has two subscription filters"
        found[group] = resource
    return found


def test_every_api_and_render_functions_audit_lines_go_to_the_forwarder(
    template: Template,
) -> None:
    subscriptions = audit_subscriptions(template)
    (permission,) = resources_of_type(template, "AWS::Lambda::Permission")
    allowed = properties(template, permission)
    # The functions behind the API and the queues (the pool's message trigger writes no lines).
    served = [
        f
        for f in functions_of(template)
        if any(
            e["Type"] in ("Api", "SQS")
            for e in (properties(template, f).get("Events") or {}).values()
        )
    ]

    # The monthly overview writes no audit lines either: it reads counts and mails them.
    assert set(served) == set(functions_of(template)) - {FORWARDER, "InvitationFunction", OVERVIEW}
    assert {log_group_of(template, f) for f in served} == set(subscriptions)
    for group, subscription in subscriptions.items():
        filter_pattern = subscription["Properties"]["FilterPattern"]
        assert filter_pattern == f'{{ $.service = "{audit.SERVICE}" }}', group
        assert get_att(subscription["Properties"]["DestinationArn"]) == (FORWARDER, "Arn")
        # CloudFormation checks that Logs may invoke the function when it makes the filter.
        assert subscription["DependsOn"] == permission
        # The permission's SourceArn covers this log group's ARN.
        name = sub_text(properties(template, group)["LogGroupName"])
        covered = sub_text(allowed["SourceArn"]).rpartition(":log-group:")[2]
        assert covered.endswith("*")
        assert name.startswith(covered.removesuffix("*")), f"{group} may not invoke the forwarder"
    assert get_att(allowed["FunctionName"]) == (FORWARDER, "Arn")
    assert allowed["Principal"] == "logs.amazonaws.com"
    assert allowed["Action"] == "lambda:InvokeFunction"
    assert ref(allowed["SourceAccount"]) == "AWS::AccountId"


def test_the_audit_log_group_keeps_the_trail_a_year_and_outlives_the_stack(
    template: Template,
) -> None:
    group = template["Resources"]["AuditLogGroup"]
    forwarder_log = log_group_of(template, FORWARDER)

    assert int(group["Properties"]["RetentionInDays"]) >= 365
    assert group["DeletionPolicy"] == group["UpdateReplacePolicy"] == "Retain"
    assert sub_text(group["Properties"]["LogGroupName"]) == "/pasjesportaal/${AWS::StackName}/audit"
    # The forwarder's own log is operational (and not subscribed, or it would feed itself).
    assert ref(properties(template, forwarder_log)["RetentionInDays"]) == "LogRetentionDays"
    assert forwarder_log not in audit_subscriptions(template)


def test_audit_lines_the_forwarder_cannot_write_wait_in_a_queue_that_alarms(
    template: Template,
) -> None:
    dead_letter = properties(template, FORWARDER)["DeadLetterQueue"]
    queue, _ = get_att(dead_letter["TargetArn"])
    alarms = [
        alarm["Properties"]
        for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        for dimension in alarm["Properties"].get("Dimensions", [])
        if dimension["Name"] == "QueueName" and get_att(dimension["Value"])[0] == queue
    ]

    assert dead_letter["Type"] == "SQS"
    assert [[ref(a) for a in alarm["AlarmActions"]] for alarm in alarms] == [["OperationsTopic"]]


def test_the_audit_forwarder_has_a_handler_that_exists(template: Template) -> None:
    app = handler_file(template, FORWARDER)

    assert app == ROOT / "functions" / "audit" / "app.py"
    assert defines_handler(app)


def trail(template: Template) -> tuple[str, dict[str, Any]]:
    (name,) = resources_of_type(template, "AWS::CloudTrail::Trail")
    return name, properties(template, name)


def test_cloudtrail_records_every_read_and_write_of_the_passes_bucket(template: Template) -> None:
    _, recorded = trail(template)
    (selector,) = recorded["AdvancedEventSelectors"]
    fields = {f["Field"]: f for f in selector["FieldSelectors"]}

    assert recorded["IsLogging"] is True
    assert recorded["EnableLogFileValidation"] is True
    # Data events of every object under the bucket, reads and writes alike (no readOnly field),
    # and no management events (the account's own trail keeps those).
    assert set(fields) == {"eventCategory", "resources.type", "resources.ARN"}
    assert fields["eventCategory"]["Equals"] == ["Data"]
    assert fields["resources.type"]["Equals"] == ["AWS::S3::Object"]
    assert [sub_text(arn) for arn in fields["resources.ARN"]["StartsWith"]] == [
        "${PassesBucket.Arn}/"
    ]


def test_the_trail_writes_to_a_private_bucket_of_its_own_kept_a_year(template: Template) -> None:
    name, recorded = trail(template)
    bucket = ref(recorded["S3BucketName"])
    kept = template["Resources"][bucket]
    rules = kept["Properties"]["LifecycleConfiguration"]["Rules"]

    assert bucket not in ("PassesBucket", "WebBucket")
    assert kept["DeletionPolicy"] == kept["UpdateReplacePolicy"] == "Retain"
    assert kept["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    # Nothing in it is deleted before a year.
    expiries = [r["ExpirationInDays"] for r in rules if "ExpirationInDays" in r]
    assert expiries
    assert all(int(days) >= 365 for days in expiries)
    assert all("Prefix" not in r and "Filter" not in r for r in rules if "ExpirationInDays" in r)
    # CloudTrail checks its access to the bucket when it makes the trail.
    policy = {
        n
        for n, p in resources_of_type(template, "AWS::S3::BucketPolicy").items()
        if ref(p["Properties"]["Bucket"]) == bucket
    }
    assert {template["Resources"][name]["DependsOn"]} == policy


def test_only_this_stacks_trail_may_write_to_the_trail_bucket(template: Template) -> None:
    _, recorded = trail(template)
    bucket = ref(recorded["S3BucketName"])
    allowed = [s for s in bucket_policy_statements(template, bucket) if s["Effect"] == "Allow"]
    account = "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}"
    trail_arn = f"{account}:trail/{sub_text(recorded['TrailName'])}"
    by_action = {s["Action"]: s for s in allowed}

    assert set(by_action) == {"s3:GetBucketAcl", "s3:PutObject"}
    for statement in allowed:
        assert statement["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
        assert sub_text(statement["Condition"]["StringEquals"]["aws:SourceArn"]) == trail_arn
    assert resource_named(by_action["s3:GetBucketAcl"]["Resource"]) == bucket
    assert (
        sub_text(by_action["s3:PutObject"]["Resource"])
        == f"${{{bucket}.Arn}}/AWSLogs/${{AWS::AccountId}}/*"
    )
    assert (
        by_action["s3:PutObject"]["Condition"]["StringEquals"]["s3:x-amz-acl"]
        == "bucket-owner-full-control"
    )


# ---------------------------------------------------------------- abuse limits and access logs

MANAGED_RULE_GROUPS = {
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
}


def web_acl(template: Template) -> dict[str, Any]:
    (name,) = resources_of_type(template, "AWS::WAFv2::WebACL")
    return properties(template, name)


def rules_by_name(acl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in acl["Rules"]}


def rate_rules(acl: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]


def origin_verified(statement: dict[str, Any]) -> str:
    """ "secret@header": what a scope-down statement requires of which header, exactly."""
    match = statement["ByteMatchStatement"]
    header = str(match["FieldToMatch"]["SingleHeader"]["Name"])
    assert match["PositionalConstraint"] == "EXACTLY"
    return f"{sub_text(match['SearchString'])}@{header}"


def test_the_web_acl_guards_the_api_stage(template: Template) -> None:
    (association,) = resources_of_type(template, "AWS::WAFv2::WebACLAssociation").values()
    (acl_name,) = resources_of_type(template, "AWS::WAFv2::WebACL")
    stage = sub_text(association["Properties"]["ResourceArn"])

    assert web_acl(template)["Scope"] == "REGIONAL"
    assert get_att(association["Properties"]["WebACLArn"]) == (acl_name, "Arn")
    # ${PasjesApi.Stage} is the stage SAM generates, and makes the association wait for it.
    assert stage.endswith("::/restapis/${PasjesApi}/stages/${PasjesApi.Stage}")
    assert stage.startswith("arn:${AWS::Partition}:apigateway:${AWS::Region}")


def test_the_web_acl_runs_the_aws_managed_rule_groups(template: Template) -> None:
    acl = web_acl(template)
    groups = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r
        for r in acl["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }

    assert set(groups) == MANAGED_RULE_GROUPS
    assert all(rule["OverrideAction"] == {"None": {}} for rule in groups.values())
    assert all(
        g["Statement"]["ManagedRuleGroupStatement"]["VendorName"] == "AWS" for g in groups.values()
    )


def test_a_whole_organisations_preview_is_not_blocked_for_its_size(template: Template) -> None:
    (common,) = [
        r["Statement"]["ManagedRuleGroupStatement"]
        for r in web_acl(template)["Rules"]
        if r["Statement"].get("ManagedRuleGroupStatement", {}).get("Name")
        == "AWSManagedRulesCommonRuleSet"
    ]
    overrides = {o["Name"]: o["ActionToUse"] for o in common.get("RuleActionOverrides", [])}
    excluded = {e["Name"] for e in common.get("ExcludedRules", [])}

    assert overrides.get("SizeRestrictions_BODY") == {"Count": {}} or (
        "SizeRestrictions_BODY" in excluded
    )
    assert all(action == {"Count": {}} for action in overrides.values())


def test_one_address_is_limited_whether_it_comes_through_cloudfront_or_not(
    template: Template,
) -> None:
    acl = web_acl(template)
    by_key = {r["Statement"]["RateBasedStatement"]["AggregateKeyType"]: r for r in rate_rules(acl)}
    viewer = by_key["FORWARDED_IP"]["Statement"]["RateBasedStatement"]
    source = by_key["IP"]["Statement"]["RateBasedStatement"]
    config = distribution(template)
    api_origin = origin_of(config, api_behaviour(config))
    (origin_header,) = api_origin["OriginCustomHeaders"]
    (association,) = api_behaviour(config)["FunctionAssociations"]
    function, _ = get_att(association["FunctionARN"])
    code = properties(template, function)["FunctionCode"]
    header = viewer["ForwardedIPConfig"]["HeaderName"].lower()

    # CONSTANT: the direct path's one cap for all callers (tests/template/test_abuse_limits.py).
    assert set(by_key) == {"FORWARDED_IP", "IP", "CONSTANT"}
    # Through CloudFront: keyed on the viewer's address, which the distribution's function
    # writes from the connection (overwriting the viewer's own header of that name).
    assert f'request.headers["{header}"] = {{ value: clientAddress(event.viewer.ip) }}' in code
    assert association["EventType"] == "viewer-request"
    # ... and only for requests that carry the distribution's secret; all others by source.
    secret = origin_verified(viewer["ScopeDownStatement"])
    assert secret == origin_verified(source["ScopeDownStatement"]["NotStatement"]["Statement"])
    assert (
        secret == f"{sub_text(origin_header['HeaderValue'])}@{origin_header['HeaderName'].lower()}"
    )
    assert "{{resolve:secretsmanager:" in secret
    for rule in (viewer, source):
        assert ref(rule["Limit"]) == "ApiRateLimitPerIp"
        assert rule["EvaluationWindowSec"] == 300


def test_a_client_over_its_rate_gets_429_in_the_portals_error_shape(template: Template) -> None:
    acl = web_acl(template)
    limit = template["Parameters"]["ApiRateLimitPerIp"]

    assert 100 <= int(limit["Default"]) <= 2000
    for rule in rate_rules(acl):
        response = rule["Action"]["Block"]["CustomResponse"]
        body = acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]
        answer = json.loads(body["Content"])
        assert response["ResponseCode"] == 429
        assert {"Name": "Retry-After", "Value": "60"} in response["ResponseHeaders"]
        # As every other answer of the API, the public check's included.
        assert {"Name": "Cache-Control", "Value": "no-store"} in response["ResponseHeaders"]
        assert {"Name": "X-Content-Type-Options", "Value": "nosniff"} in response["ResponseHeaders"]
        assert body["ContentType"] == "APPLICATION_JSON"
        assert set(answer) == {"message", "code"}
        assert answer["code"] == "throttled"


def test_every_rule_of_the_web_acl_is_measured(template: Template) -> None:
    acl = web_acl(template)
    configs = [acl["VisibilityConfig"], *(r["VisibilityConfig"] for r in acl["Rules"])]

    assert all(c["CloudWatchMetricsEnabled"] and c["SampledRequestsEnabled"] for c in configs)
    assert len({c["MetricName"] for c in configs[1:]}) == len(acl["Rules"])


def test_the_stage_keeps_its_own_throttle_next_to_the_firewall(template: Template) -> None:
    (setting,) = [
        s for s in properties(template, "PasjesApi")["MethodSettings"] if s["ResourcePath"] == "/*"
    ]

    assert setting["ResourcePath"] == "/*"
    assert setting["HttpMethod"] == "*"
    assert setting["ThrottlingRateLimit"] > 0


def test_api_access_logs_name_the_caller_and_are_kept_a_year(template: Template) -> None:
    api = properties(template, "PasjesApi")
    log_group, attribute = get_att(api["AccessLogSetting"]["DestinationArn"])
    entry = json.loads(api["AccessLogSetting"]["Format"])

    assert attribute == "Arn"
    assert template["Resources"][log_group]["Type"] == "AWS::Logs::LogGroup"
    assert int(properties(template, log_group)["RetentionInDays"]) >= 365
    assert entry["sub"] == "$context.authorizer.claims.sub"
    assert entry["requestId"] == "$context.requestId"
    assert {"$context.httpMethod", "$context.resourcePath", "$context.status"} <= set(
        entry.values()
    )
    # The route, never the path with the pass codes, numbers and request ids it carries.
    assert not any("$context.path" in value for value in entry.values())
    # A query string may hold a name or a birth date: access logs carry ids only.
    assert not any("querystring" in value.lower() for value in entry.values())


def test_api_gateway_may_write_access_logs_before_the_stage_exists(template: Template) -> None:
    (account,) = resources_of_type(template, "AWS::ApiGateway::Account").values()
    role, _ = get_att(account["Properties"]["CloudWatchRoleArn"])
    trust = properties(template, role)["AssumeRolePolicyDocument"]["Statement"]

    assert template["Resources"]["PasjesApi"]["DependsOn"] == "ApiGatewayAccount"
    assert [s["Principal"] for s in trust] == [{"Service": "apigateway.amazonaws.com"}]
    # Retained: the setting is the account's, and other APIs may log through it.
    assert template["Resources"][role]["DeletionPolicy"] == "Retain"


def test_tracing_is_a_parameter_off_by_default_for_the_functions_and_the_api(
    template: Template,
) -> None:
    # The X-Ray SDK costs every cold start over 100 ms; an operator turns it on when needed.
    assert template["Parameters"]["Tracing"]["Default"] == "Disabled"
    switch = {"Fn::If": ["TracingOn", "Active", "PassThrough"]}
    assert template["Globals"]["Function"]["Tracing"] == switch
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["POWERTOOLS_TRACE_DISABLED"] == {"Fn::If": ["TracingOn", "false", "true"]}
    assert properties(template, "PasjesApi")["TracingEnabled"] == {
        "Fn::If": ["TracingOn", True, False]
    }
