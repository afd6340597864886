"""The OpenAPI document that openapi-python-client reads: openapi.json with three rewrites for
what that generator (0.29) cannot parse. scripts/gen-clients.sh runs it; the TypeScript client is
generated from openapi.json itself.

1. `JsonSchema` (the draft 2020-12 meta-schema that `resultSchema` is checked against) becomes an
   open object. The generator refuses boolean subschemas (`"$ref": false`, valid in OpenAPI 3.1)
   and the meta-schema's unions (`type: ["object", "boolean"]`, `anyOf` of `const`s), and then
   drops `CreateCaseBody`, so `POST /cases` would not be generated at all. The server checks
   `resultSchema` against the meta-schema either way; the client sends it as a mapping.
2. An `allOf` of a `oneOf` of objects and more objects (`TimelineEntry`: one of the timeline
   events, and `at`) becomes the same `oneOf` with the other objects' properties in each variant,
   which means the same. The generator refuses an `allOf` member that is not an object ("Cannot
   take allOf a non-object") and drops `TimelineEntry`, `EventPage` and `GET /cases/{id}/events`'
   answer.
3. The `inbound` operations are left out: mail systems call them (a raw RFC 822 message, an SNS
   notification), not API clients, and the generator cannot send `message/rfc822` or
   `text/plain` bodies (mapped to `application/octet-stream` it writes `body.payload` on a `str`).

    python3 prepare_spec.py openapi.json out.json
"""

import copy
import json
import sys

META_SCHEMA = "#/components/schemas/JsonSchema"


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as file:
        spec = json.load(file)
    schemas = spec["components"]["schemas"]
    said = []

    # 1. The meta-schema as an open object; `allOf: [JsonSchema]` plus the root's `type` rule as
    # the plain reference.
    if "JsonSchema" in schemas:
        schemas["JsonSchema"] = {
            "type": "object",
            "additionalProperties": True,
            "description": schemas["JsonSchema"].get("description", ""),
        }
        narrowed = 0

        def plain(node):
            nonlocal narrowed
            if isinstance(node, dict):
                if node.get("allOf") == [{"$ref": META_SCHEMA}]:
                    narrowed += 1
                    return {"$ref": META_SCHEMA}
                return {key: plain(value) for key, value in node.items()}
            if isinstance(node, list):
                return [plain(item) for item in node]
            return node

        spec = plain(spec)
        schemas = spec["components"]["schemas"]
        said.append(f"JsonSchema as an open object ({narrowed} narrowed uses)")

    # 2. allOf(oneOf(A, B, …), C, …) as oneOf(A+C…, B+C…, …).
    def resolve(node):
        while isinstance(node, dict) and set(node) == {"$ref"}:
            node = schemas[node["$ref"].rsplit("/", 1)[1]]
        return node

    distributed = []

    def distribute(node, where):
        if isinstance(node, dict):
            parts = [resolve(part) for part in node.get("allOf", [])]
            unions = [part for part in parts if "oneOf" in part]
            if len(unions) == 1 and all(part.get("type") == "object" for part in parts if part is not unions[0]):
                others = [part for part in parts if part is not unions[0]]
                variants = []
                for variant in unions[0]["oneOf"]:
                    merged = copy.deepcopy(resolve(variant))
                    for other in others:
                        merged.setdefault("properties", {}).update(copy.deepcopy(other.get("properties", {})))
                        required = merged.setdefault("required", [])
                        required += [name for name in other.get("required", []) if name not in required]
                    variants.append(merged)
                del node["allOf"]
                node["oneOf"] = variants
                distributed.append(where)
            for key, value in node.items():
                distribute(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                distribute(item, f"{where}/{index}")

    distribute(spec, "#")
    if distributed:
        said.append("allOf over oneOf distributed: " + ", ".join(distributed))

    # 3. Without the mail systems' routes.
    dropped = []
    for path, item in list(spec["paths"].items()):
        for method, operation in list(item.items()):
            if isinstance(operation, dict) and "inbound" in operation.get("tags", []):
                del item[method]
                dropped.append(f"{method.upper()} {path}")
        if not any(isinstance(operation, dict) and "responses" in operation for operation in item.values()):
            del spec["paths"][path]
    if dropped:
        said.append("left out: " + ", ".join(dropped))

    with open(target, "w", encoding="utf-8") as file:
        json.dump(spec, file, indent=2, ensure_ascii=False)
        file.write("\n")
    print("prepared for openapi-python-client: " + "; ".join(said), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
