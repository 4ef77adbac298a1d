"""The two servers of the local stack, bound before anything else starts: the gateway's on PORT
and the embedded AWS (moto's server) on MOTO_PORT; a taken port is one line, not a traceback."""

from __future__ import annotations

import errno
import functools
import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from infra.local.gateway.responses import GatewayResponses
from infra.local.gateway.server import GatewayServer
from infra.local.moto_cognito import teach_moto_cognito

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

HOST = "127.0.0.1"
DEFAULT_PORT = 3000
# How often the servers look for a shutdown request: Ctrl-C should feel instant.
SHUTDOWN_POLL_SECONDS = 0.1


class StartupError(Exception):
    """Why the stack cannot start, in one line for the person who typed `make run`."""


def port_from_environment(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > 65535:
        raise StartupError(f"{variable}={raw!r} is not a port number (0-65535)")
    return int(raw)


def listen_error(variable: str, port: int, error: OSError) -> StartupError:
    if error.errno == errno.EADDRINUSE:
        return StartupError(
            f"port {port} on {HOST} is already in use; stop whatever holds it or choose "
            f"another with {variable}=<port>"
        )
    return StartupError(f"cannot listen on {HOST}:{port} ({variable}): {error.strerror}")


def start_gateway_server(
    port: int, responses: GatewayResponses, log: Callable[[str], None]
) -> GatewayServer:
    try:
        return GatewayServer((HOST, port), responses=responses, log=log)
    except OSError as error:
        raise listen_error("PORT", port, error) from error


def start_moto_server(port: int) -> BaseWSGIServer:
    """moto's server, as ThreadedMotoServer builds it, but bound here in the calling thread.

    ThreadedMotoServer binds inside its thread, where werkzeug answers a taken port with
    sys.exit(1): the thread dies and start() waits forever. Binding the socket first turns a
    taken port into an OSError we can explain.
    """
    # werkzeug would log every AWS call the handlers make; the gateway logs the ones that matter.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # Without it moto accepts any TOTP code; with it, codes of its one fixed secret (which
    # AssociateSoftwareToken hands out), so two-step sign-in is checked as a real pool checks it.
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"
    teach_moto_cognito()
    try:
        listener = socket.create_server((HOST, port))
    except OSError as error:
        raise listen_error("MOTO_PORT", port, error) from error
    try:
        server = make_server(
            HOST,
            listener.getsockname()[1],
            DomainDispatcherApplication(create_backend_app),
            threaded=True,
            request_handler=MotoRequestHandler,
            fd=listener.fileno(),
        )
    finally:
        # make_server works on a duplicate of the descriptor.
        listener.close()
    serve = functools.partial(server.serve_forever, poll_interval=SHUTDOWN_POLL_SECONDS)
    threading.Thread(target=serve, name="moto", daemon=True).start()
    return server
