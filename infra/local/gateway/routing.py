"""Which route of the template a request takes: the resource by its path (the most specific
that fits), then the method on it, as API Gateway chooses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from infra.local.gateway.lambda_runtime import LocalFunction
from infra.local.gateway.template import SamTemplate

API_PREFIX = "/api"


def _segment_rank(segment: str) -> int:
    if segment.startswith("{") and segment.endswith("+}"):
        return 2
    if segment.startswith("{") and segment.endswith("}"):
        return 1
    return 0


@dataclass(frozen=True)
class Route:
    method: str
    resource: str
    function: LocalFunction
    authorized: bool

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters when `path` fits this route's resource template."""
        template = self.resource.strip("/").split("/") if self.resource != "/" else []
        parts = path.strip("/").split("/") if path.strip("/") else []
        params: dict[str, str] = {}
        for index, segment in enumerate(template):
            rank = _segment_rank(segment)
            if rank == 2:
                if index >= len(parts):
                    return None
                params[segment[1:-2]] = unquote("/".join(parts[index:]))
                return params
            if index >= len(parts):
                return None
            if rank == 1:
                if not parts[index]:
                    return None
                params[segment[1:-1]] = unquote(parts[index])
            elif unquote(parts[index]) != segment:
                return None
        return params if len(parts) == len(template) else None

    @property
    def specificity(self) -> tuple[int, ...]:
        # API Gateway prefers a literal segment to a parameter, and a parameter to a greedy one.
        return tuple(_segment_rank(s) for s in self.resource.strip("/").split("/"))


def routes_from(template: SamTemplate, functions: Mapping[str, LocalFunction]) -> list[Route]:
    return [
        Route(
            method=event.method,
            resource=event.path,
            function=functions[spec.logical_id],
            authorized=event.authorized,
        )
        for spec in template.functions
        for event in spec.api_events
    ]


def find_route(
    routes: Iterable[Route], method: str, path: str
) -> tuple[Route, dict[str, str]] | None:
    """API Gateway picks the resource by the path alone (the most specific that fits), then the
    method on it: a method the chosen resource lacks is no route, even if a less specific
    resource has that method (GET /requests/preview is not GET /requests/{id})."""
    fitting = [(route, params) for route in routes if (params := route.match(path)) is not None]
    if not fitting:
        return None
    resource = min(fitting, key=lambda c: c[0].specificity)[0].resource
    on_resource = [
        (route, params)
        for route, params in fitting
        if route.resource == resource and route.method in (method, "ANY")
    ]
    if not on_resource:
        return None
    return min(on_resource, key=lambda c: c[0].method == "ANY")
