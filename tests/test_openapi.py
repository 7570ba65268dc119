"""The OpenAPI document against what is really served: nothing undocumented, nothing invented.

Routes come from two places, the URL resolver (what Django answers under /api/v1/) and the ninja
routers (every operation and its methods); both must match the document exactly. There is no
exemption list for undocumented operations, and every operation needs a token unless it is
named in PUBLIC_OPERATIONS.
"""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from ninja import Router, Schema

from lodestar.api.api import LodestarAPI, api
from lodestar.api.idempotency import HEADER

PREFIX = "/api/v1/"
# Views under the prefix that are not operations: the document itself, its page, ninja's root.
NOT_OPERATIONS = {"openapi-json", "openapi-view", "api-root"}
# Operations documented and routed without a token: none so far. Add ("get", "/api/v1/...").
PUBLIC_OPERATIONS: set[tuple[str, str]] = set()
# Operations that are served but may stay out of the document: none, and it stays empty.
UNDOCUMENTED: set[tuple[str, str]] = set()

_converter = re.compile(r"<(?:[^>:]+:)?([^>]+)>")
_placeholder = re.compile(r"{([^}]+)}")


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema(path_prefix=PREFIX)


def _url_patterns(patterns, prefix="/"):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _url_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def resolver_routes() -> dict[str, URLPattern]:
    """Every URL Django serves under the prefix, in OpenAPI's {param} notation."""
    return {
        _converter.sub(r"{\1}", route): pattern
        for route, pattern in _url_patterns(get_resolver().url_patterns)
        if route.startswith(PREFIX) and pattern.name not in NOT_OPERATIONS
    }


def router_operations() -> set[tuple[str, str]]:
    """Every (method, path) the ninja routers serve, whether documented or not."""
    operations = set()
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            full = "/".join([PREFIX, router.prefix, path])
            full = re.sub(r"{[^}:]+:", "{", re.sub("/+", "/", full)).rstrip("/")
            for operation in path_view.operations:
                operations.update((method.lower(), full) for method in operation.methods)
    return operations


def documented_operations(document) -> dict[tuple[str, str], dict]:
    return {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_the_exemption_lists_are_empty_or_current():
    assert not UNDOCUMENTED, "every served operation is documented, no exceptions"
    names = {pattern.name for _route, pattern in _url_patterns(get_resolver().url_patterns)}
    assert names >= NOT_OPERATIONS, "a non-operation view listed here no longer exists"


def test_every_routed_operation_is_documented(document):
    missing = router_operations() - set(documented_operations(document)) - UNDOCUMENTED
    assert missing == set()


def test_every_documented_operation_is_routed(document):
    invented = set(documented_operations(document)) - router_operations()
    assert invented == set()


def test_every_url_under_the_prefix_is_a_documented_path(document):
    assert set(resolver_routes()) == set(document["paths"])


def test_every_documented_path_parameter_is_in_the_url_pattern(document):
    routes = resolver_routes()
    for (method, path), operation in documented_operations(document).items():
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        in_template = set(_placeholder.findall(path))
        in_pattern = set(_converter.findall(str(routes[path].pattern)))
        assert declared == in_template == in_pattern, (method, path)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["required"] is True, (method, path, parameter["name"])


def test_every_documented_path_resolves_to_the_api(document):
    for path in document["paths"]:
        match = resolve(_placeholder.sub("1", path))
        assert match.namespace == "api", path
        assert match.url_name not in NOT_OPERATIONS, path


def test_every_operation_requires_a_token_unless_listed_public(document):
    schemes = set(document["components"]["securitySchemes"])
    assert not PUBLIC_OPERATIONS - set(documented_operations(document)), "stale public entry"
    for key, operation in documented_operations(document).items():
        if key in PUBLIC_OPERATIONS:
            assert not operation.get("security"), key
            continue
        security = operation.get("security")
        assert security, f"{key} declares no security requirement"
        assert all(set(requirement) <= schemes for requirement in security), key
        assert "401" in {str(status) for status in operation["responses"]}, key


def test_every_post_documents_the_idempotency_key(document):
    for (method, path), operation in documented_operations(document).items():
        if method != "post":
            continue
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert HEADER in headers, path
        assert {"409", "422"} <= {str(status) for status in operation["responses"]}, path


def test_the_served_document_is_the_one_tested(client, document):
    served = client.get(f"{PREFIX}openapi.json").json()
    assert set(served["paths"]) == set(document["paths"])


def test_two_schemas_under_one_name_are_refused():
    """ninja would keep one of them and document the other endpoint with the wrong enum."""
    first = models.TextChoices("Status", [("OPEN", "open")])
    second = models.TextChoices("Status", [("SHUT", "shut")])

    class One(Schema):
        status: first

    class Two(Schema):
        status: second

    router = Router()
    router.get("/one", response=One)(lambda request: None)
    router.get("/two", response=Two)(lambda request: None)
    colliding = LodestarAPI(urls_namespace="colliding")
    colliding.add_router("/", router)
    with pytest.raises(ImproperlyConfigured, match="named 'Status'"):
        colliding.get_openapi_schema(path_prefix="/")
