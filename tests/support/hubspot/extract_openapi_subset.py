#!/usr/bin/env python3
"""Extracts, from HubSpot's OpenAPI files (../shared/reference/hubspot), the operations the
writer and the emulator use, with every $ref resolved, into openapi-subset.json. The emulator
test validates the emulator's requests and answers against it, so the emulator cannot drift
from HubSpot. Rerun after updating the reference files:
    python3 tests/support/hubspot/extract_openapi_subset.py ../shared/reference/hubspot
"""
import json
import sys
from pathlib import Path

FILES = ["crm-contacts-v3.json", "crm-companies-v3.json", "crm-notes-v3.json", "crm-tasks-v3.json",
         "crm-objects-generic-v3.json", "crm-associations-v4.json", "crm-properties-v3.json"]
WANTED = [
    ("post", "/crm/v3/objects/{objectType}/batch/upsert"), ("post", "/crm/v3/objects/{objectType}/batch/create"),
    ("post", "/crm/v3/objects/{objectType}/batch/update"), ("post", "/crm/v3/objects/{objectType}/batch/read"),
    ("post", "/crm/v3/objects/{objectType}/search"), ("post", "/crm/v3/objects/{objectType}"),
    ("post", "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create"),
    ("post", "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read"),
    ("get", "/crm/v3/properties/{objectType}/{propertyName}"), ("post", "/crm/v3/properties/{objectType}"),
    ("post", "/crm/v3/properties/{objectType}/groups"),
]


def resolve(node, components, depth=0):
    if depth > 30:
        return {}
    if isinstance(node, dict):
        if "$ref" in node:
            kind, name = node["$ref"].split("/")[-2:]
            return resolve(components[kind][name], components, depth + 1)
        return {k: resolve(v, components, depth + 1) for k, v in node.items() if k not in ("example", "description")}
    if isinstance(node, list):
        return [resolve(v, components, depth + 1) for v in node]
    return node


def main(folder):
    out = {}
    for f in FILES:
        doc = json.loads((Path(folder) / f).read_text())
        comps = doc.get("components", {})
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                if (method, path) not in WANTED or f"{method} {path}" in out:
                    continue
                entry = {"responses": {}}
                body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                if body:
                    entry["request"] = resolve(body, comps)
                for status, resp in op.get("responses", {}).items():
                    resp = resolve(resp, comps)
                    schema = resp.get("content", {}).get("application/json", {}).get("schema")
                    entry["responses"][status] = schema or {}
                out[f"{method} {path}"] = entry
    missing = [f"{m} {p}" for m, p in WANTED if f"{m} {p}" not in out]
    if missing:
        sys.exit(f"not found in the reference files: {missing}")
    dest = Path(__file__).with_name("openapi-subset.json")
    dest.write_text(json.dumps({"source": "HubSpot/HubSpot-public-api-spec-collection @ 99893791 (see ../shared/reference/hubspot/README.md)",
                                "operations": out}, indent=1, sort_keys=True))
    print(f"{len(out)} operations -> {dest}")


main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/hubspot")
