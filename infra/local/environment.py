"""The environment every client and handler of the local stack reads: the template's variables,
the names of the resources `provision` makes, and AWS pointed at the embedded moto server and
nothing else."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping

from infra.local.gateway.template import SamTemplate
from infra.local.provision import BUCKET, EXPORTS_BUCKET, REGION, TABLES


def template_environment(template: SamTemplate) -> dict[str, str]:
    """The functions' environment variables that the template states outright.

    A `!Ref` to a parameter takes the parameter's default; references to resources are left out,
    as the local stack names those itself.
    """
    sections = [template.globals.get("Function") or {}]
    sections += [template.properties(f.logical_id) for f in template.functions]
    variables: dict[str, str] = {}
    for section in sections:
        declared = ((section.get("Environment") or {}).get("Variables")) or {}
        for name, value in declared.items():
            if isinstance(value, Mapping) and set(value) == {"Ref"}:
                default = (template.parameters.get(value["Ref"]) or {}).get("Default")
                if default is not None:
                    variables[name] = str(default)
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                variables[name] = str(value)
    return variables


def configure_environment(moto_url: str, template_variables: Mapping[str, str]) -> None:
    """Point every boto3 and pynamodb client of this process at moto, before any handler loads.

    botocore reads AWS_ENDPOINT_URL for any client made without an endpoint_url, which is how
    pynamodb makes its own, so no handler needs to know it is running locally.
    """
    for name in list(os.environ):
        # A developer's own AWS settings must neither reach a real account nor redirect a service.
        if name.startswith("AWS_ENDPOINT_URL_") or name in (
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        ):
            del os.environ[name]
    os.environ.update(template_variables)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": moto_url,
            # moto accepts any credentials; these only keep a real profile's keys out of it.
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",  # nosec B105
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            # ~/.aws/config could name a profile's endpoint or opt out of AWS_ENDPOINT_URL.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            **TABLES,
            "PASSES_BUCKET": BUCKET,
            "EXPORTS_BUCKET": EXPORTS_BUCKET,
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
    )
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "pasjesportaal")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Pasjesportaal")
    # Each invocation would print a CloudWatch metrics document between the request lines;
    # POWERTOOLS_METRICS_DISABLED=false shows them.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    # Powertools still warns that a handler published no metrics, once per function.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
