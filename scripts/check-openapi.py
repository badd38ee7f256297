#!/usr/bin/env python3
"""Validates functions/openapi.json against the OpenAPI 3.1 specification (openapi-spec-validator),
then checks the house rules the specification does not: every operation names the function that
serves it (`x-lectern-function`), has an operationId and lists its responses, and every
response with a body says what the body is. Exits non-zero with a message naming the problem.

Usage: python3 scripts/check-openapi.py [path/to/openapi.json]
"""
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "functions", "openapi.json")
shown = os.path.relpath(path, root) if os.path.abspath(path).startswith(root + os.sep) else path
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def fail(message):
    sys.exit(f"{shown}: {message}")


try:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
except ImportError:
    fail("cannot check: openapi-spec-validator is not installed (pip install openapi-spec-validator)")

try:
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
except OSError as error:
    fail(f"cannot read: {error.strerror}")
except json.JSONDecodeError as error:
    fail(f"line {error.lineno}, column {error.colno}: not valid JSON: {error.msg}")

if not str(spec.get("openapi", "")).startswith("3.1."):
    fail(f"`openapi` is {spec.get('openapi')!r}; this project writes OpenAPI 3.1 documents")

try:
    validate(spec)
except OpenAPIValidationError as error:
    where = "/".join(str(part) for part in error.path) or "(document root)"
    fail(f"not a valid OpenAPI 3.1 document, at {where}: {error.message}")
except Exception as error:  # the validator raises its resolver's errors as they are
    ref = getattr(error, "ref", None)
    if ref is not None:
        fail(f"a $ref points to nothing: {ref}")
    fail(f"cannot be validated: {type(error).__name__}: {str(error)[:300]}")


def resolve(node):
    """Follows a local `$ref` (`#/components/...`); the validator has checked that it exists."""
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


problems = []
operations = 0
for route, item in spec.get("paths", {}).items():
    for method in METHODS:
        operation = item.get(method)
        if operation is None:
            continue
        operations += 1
        name = f"{method.upper()} {route}"
        if not operation.get("operationId"):
            problems.append(f"{name}: no operationId")
        if not operation.get("x-lectern-function"):
            problems.append(f"{name}: no x-lectern-function naming the function that serves it")
        if not operation.get("responses"):
            problems.append(f"{name}: no responses")
        for status, response in operation.get("responses", {}).items():
            response = resolve(response)
            # 204, 303 and 304 have no body; every other response says what its body is.
            if status in ("204", "303", "304"):
                continue
            content = response.get("content") or {}
            if not content:
                problems.append(f"{name} → {status}: no content (a response with a body needs a schema)")
            for media_type, media in content.items():
                if "schema" not in media:
                    problems.append(f"{name} → {status} {media_type}: no schema")

if problems:
    fail(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))
print(f"{shown}: valid OpenAPI {spec['openapi']}, {operations} operations")
