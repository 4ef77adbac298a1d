"""`make run`: the whole portal on this machine, with no AWS account and no Docker.

    python -m infra.local [--holders N]

An embedded AWS (moto's server on 127.0.0.1) gets the tables, the bucket, the render queue with
its dead-letter queue, the Cognito user pool with the demo contact persons, the verification keys
of the passes' QR codes (new ones on every start) and the demo data.
The local API Gateway (infra.local.gateway) serves the template's routes under /api on PORT
(default 3000), the web app (web/dist, built by `make web`) on every other path, and the render
worker (infra.local.worker) feeds the queue to the render function. An export dropped into the
imports folder is imported by the import function (infra.local.imports). Ctrl-C stops it all.

Environment: PORT (default 3000), MOTO_PORT (default: any free port), IMPORTS_DIR (default:
imports/ in the project root).
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from types import FrameType
from typing import TYPE_CHECKING

import boto3

from infra.local import mailbox, overview
from infra.local.environment import configure_environment, template_environment
from infra.local.gateway.authorizer import CognitoTokenVerifier
from infra.local.gateway.lambda_runtime import LocalFunction
from infra.local.gateway.pipeline import Gateway
from infra.local.gateway.routing import routes_from
from infra.local.gateway.server import GatewayServer
from infra.local.gateway.template import SamTemplate, TemplateError
from infra.local.imports import ImportsWatcher, imports_dir
from infra.local.output import Output, stderr
from infra.local.provision import (
    REGION,
    client_config,
    create_bucket,
    create_cursor_secret,
    create_exports_bucket,
    create_render_queue,
    create_user_pool,
    create_verification_keys,
)
from infra.local.servers import (
    DEFAULT_PORT,
    HOST,
    SHUTDOWN_POLL_SECONDS,
    StartupError,
    port_from_environment,
    start_gateway_server,
    start_moto_server,
)
from infra.local.webapp import WEB_DIST, WebApp, origin_of
from infra.local.worker import QueueWorker
from infra.ops import demo_data, importer
from infra.tables import create_tables

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

# The queue of the import function in the template; locally the imports folder feeds it.
IMPORT_QUEUE = "ImportQueue"


@dataclass
class Stack:
    gateway_server: GatewayServer
    moto_server: BaseWSGIServer
    worker: QueueWorker | None = None
    imports: ImportsWatcher | None = None
    serving: bool = False

    def stop(self) -> None:
        if self.imports is not None:
            self.imports.stop()
        if self.worker is not None:
            # Asked first: its current long poll ends while the gateway shuts down.
            self.worker.stopping.set()
        # A socketserver's shutdown() waits for serve_forever, so only call it once that runs.
        if self.serving:
            self.gateway_server.shutdown()
        self.gateway_server.server_close()
        if self.worker is not None:
            self.worker.stop()
        # Last, because the handlers and the worker talk to it until they are done.
        self.moto_server.shutdown()
        self.moto_server.server_close()


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local",
        description="Run the portal locally: embedded AWS, local API Gateway, render worker.",
        epilog="Environment: PORT (default 3000), MOTO_PORT (default: a free port), "
        "IMPORTS_DIR (default: imports/ in the project root).",
    )
    parser.add_argument(
        "--holders",
        type=int,
        default=1200,
        help="number of demo holders to load (default 1200)",
    )
    return parser.parse_args(argv)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    out = Output()
    # SIGTERM (a service manager, `kill`) stops the stack as cleanly as Ctrl-C does; SIGINT is
    # set too because a shell that starts us in the background has it ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    stack: Stack | None = None
    try:
        port = port_from_environment("PORT", DEFAULT_PORT)
        moto_port = port_from_environment("MOTO_PORT", 0)
        template = _load_template()
        gateway_server = start_gateway_server(port, template.gateway_responses, out.line)
        try:
            moto_server = start_moto_server(moto_port)
        except BaseException:
            gateway_server.server_close()
            raise
        stack = Stack(gateway_server=gateway_server, moto_server=moto_server)
        _run(stack, template, args, out)
    except StartupError as error:
        sys.stderr.write(f"pasjesportaal: {error}\n")
        return 1
    except KeyboardInterrupt:
        out.line("Stopping ...")
    finally:
        if stack is not None:
            stack.stop()
    out.line("Stopped.")
    return 0


def _load_template() -> SamTemplate:
    """template.yaml, read before anything starts: routes, answers and resources come from it."""
    try:
        template = SamTemplate.load()
        template.sqs_consumer()
        template.sqs_consumer(IMPORT_QUEUE)
    except TemplateError as error:
        raise StartupError(str(error)) from error
    return template


def _run(stack: Stack, template: SamTemplate, args: argparse.Namespace, out: Output) -> None:
    started = time.monotonic()
    # Loading creates objects that all stay alive; collecting meanwhile only costs startup time.
    gc.disable()
    moto_url = f"http://{HOST}:{stack.moto_server.port}"
    api_url = f"http://{HOST}:{stack.gateway_server.port}"
    render_spec, render_source = template.sqs_consumer()
    configure_environment(moto_url, template_environment(template))

    queue = create_render_queue(moto_url, template.properties(render_source.queue))
    # The last settings: pasjes.settings reads the environment once, when the tables are made.
    # Passes link to this portal, /v/{code}, with codes under the keys made here; the template
    # names a deployment's own origin and secret.
    os.environ["RENDER_QUEUE_URL"] = queue.url
    os.environ["VERIFICATION_SECRET_NAME"] = create_verification_keys(moto_url)
    os.environ["CURSOR_SECRET_NAME"] = create_cursor_secret(moto_url)
    os.environ["PUBLIC_ORIGIN"] = api_url
    os.environ.update(overview.prepare_ses(moto_url, REGION))
    create_bucket(moto_url, template)
    exports_bucket = create_exports_bucket(moto_url)

    idp = boto3.client("cognito-idp", region_name=REGION, endpoint_url=moto_url)
    # The invitations the import sends are kept for this output (moto mails nothing).
    mailbox.open_outbox()
    pool = create_user_pool(idp, template, demo_data.DEMO_USERS, demo_data.DEMO_PASSWORD)
    os.environ["USER_POOL_ID"] = pool.pool_id
    create_tables()

    def resolve_sub(email: str) -> str:
        if email not in pool.subs:
            raise importer.UnknownContact("not a demo user of the local user pool")
        return pool.subs[email]

    try:
        dataset = demo_data.generate(holders=args.holders, today=date.today())
    except ValueError as error:
        raise StartupError(f"--holders {args.holders}: {error}") from error
    report = importer.load(dataset, resolve_sub=resolve_sub)

    functions = {
        spec.logical_id: LocalFunction(spec, region=REGION, log=stderr)
        for spec in template.functions
    }
    for function in functions.values():
        _cold_start(function)
    verifier = CognitoTokenVerifier.from_user_pool(
        endpoint=moto_url, region=REGION, user_pool_id=pool.pool_id, client_id=pool.client_id
    )
    stack.gateway_server.gateway = Gateway(
        routes=routes_from(template, functions),
        verifier=verifier,
        responses=template.gateway_responses,
        client_config=client_config(template, pool, moto_url=moto_url, api_url=api_url),
        log=stderr,
        webapp=WebApp(WEB_DIST, connect_sources=(origin_of(moto_url),)),
    )
    stack.worker = QueueWorker(
        function=functions[render_spec.logical_id],
        event_source=render_source,
        queue_url=queue.url,
        queue_arn=queue.arn,
        sqs=boto3.client("sqs", region_name=REGION, endpoint_url=moto_url),
        region=REGION,
        log=out.line,
    )
    stack.worker.start()
    importer_spec, _ = template.sqs_consumer(IMPORT_QUEUE)
    stack.imports = ImportsWatcher(
        folder=imports_dir(),
        function=functions[importer_spec.logical_id],
        s3=boto3.client("s3", region_name=REGION, endpoint_url=moto_url),
        bucket=exports_bucket,
        region=REGION,
        log=out.line,
    )

    overview_spec = next(s for s in template.functions if s.logical_id == "OverviewFunction")
    local_overview = overview.LocalOverview(
        function=functions[overview_spec.logical_id], folder=overview.mail_dir(), region=REGION
    )
    stack.gateway_server.gateway.local_actions[overview.PATH] = local_overview.send_now
    stack.gateway_server.gateway.binary_media_types = template.binary_media_types

    names = {o.id: o.name for o in dataset.organisations}
    width = max(len(email) for email in demo_data.DEMO_USERS)
    out.line(report.summary())
    out.line(f"Pasjesportaal is running locally ({time.monotonic() - started:.1f} s).")
    out.line(f"  Web app      {api_url}/")
    out.line(f"  API          {api_url}/api")
    out.line(f"  Config       {api_url}/config.json")
    out.line(f"  AWS (moto)   {moto_url}  user pool {pool.pool_id}, client {pool.client_id}")
    out.line(
        f"  Demo users   password {demo_data.DEMO_PASSWORD}, then the authenticator code:"
        " python -m infra.local.totp"
    )
    for email, organisation_ids in demo_data.DEMO_USERS.items():
        organisations = ", ".join(names.get(o, o) for o in organisation_ids)
        out.line(f"    {email:<{width}}  {organisations}")
    out.line(
        f"  Imports      {stack.imports.folder}  (drop NAME.zip to import it, "
        "dry-run/NAME.zip for a dry run)"
    )
    out.line(
        f"  Mail         {local_overview.folder}  (make overview sends this month's overview "
        "now; each mail a file here)"
    )
    out.line("Press Ctrl-C to stop.")
    stack.imports.start()
    # Serving starts after the banner, so request lines follow it; early callers wait briefly.
    serve = functools.partial(
        stack.gateway_server.serve_forever, poll_interval=SHUTDOWN_POLL_SECONDS
    )
    threading.Thread(target=serve, name="gateway", daemon=True).start()
    stack.serving = True
    # moto's state and the demo data live until exit; frozen, the collector (and the collections
    # Python runs while exiting, seconds with this many objects) no longer walks them.
    gc.freeze()
    gc.enable()
    threading.Event().wait()


def _cold_start(function: LocalFunction) -> None:
    """Import each handler up front, so the first request is not the slow one.

    A handler that does not import is reported and the stack runs on: its routes answer 502,
    as a function that fails its init does in AWS.
    """
    try:
        function.load()
    except Exception as error:  # any import failure is the handler's, not the stack's
        stderr(f"warning: {function.spec.module} does not load: {error!r}")
