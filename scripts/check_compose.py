"""Static checks of docker-compose.yml (there is no Docker engine in CI): it parses, it is valid
against the Compose specification's JSON schema, and what it refers to holds together."""

import json
import os
import re
import sys

import jsonschema
import yaml

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
schema_path, compose_path = sys.argv[1], os.path.join(root, "docker-compose.yml")
problems = []

with open(compose_path) as f:
    compose = yaml.safe_load(f)
with open(schema_path) as f:
    schema = json.load(f)

for error in jsonschema.Draft7Validator(schema).iter_errors(compose):
    problems.append(f"schema: {'/'.join(map(str, error.absolute_path))}: {error.message}")

services = compose.get("services", {})
for name, service in services.items():
    build = service.get("build")
    if build:
        context = os.path.join(root, build if isinstance(build, str) else build.get("context", "."))
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        if not os.path.isdir(context):
            problems.append(f"{name}: build context {context} does not exist")
        elif not os.path.isfile(os.path.join(context, dockerfile)):
            problems.append(f"{name}: {dockerfile} does not exist in {context}")
    for mount in service.get("volumes", []):
        source = mount.split(":")[0] if isinstance(mount, str) else mount.get("source", "")
        if source.startswith((".", "/")) and not os.path.exists(os.path.join(root, source)):
            problems.append(f"{name}: mounted path {source} does not exist")
        elif source and not source.startswith((".", "/")) and source not in (compose.get("volumes") or {}):
            problems.append(f"{name}: volume {source} is not declared")
    for env_file in service.get("env_file", []) if isinstance(service.get("env_file"), list) else []:
        if not os.path.isfile(os.path.join(root, env_file)):
            problems.append(f"{name}: env_file {env_file} does not exist")
    for dependency, spec in (service.get("depends_on") or {}).items():
        if dependency not in services:
            problems.append(f"{name}: depends on unknown service {dependency}")
        elif isinstance(spec, dict) and spec.get("condition") == "service_healthy" \
                and "healthcheck" not in services[dependency]:
            problems.append(f"{name}: waits for {dependency} to be healthy, which has no healthcheck")
    # Secrets come from the environment, never from this file.
    for key, value in (service.get("environment") or {}).items():
        if re.search(r"SECRET|PASSWORD|PWD|API_KEY|SIGNING_KEY|ACCESS_KEY", key) and value not in (None, "") \
                and not str(value).startswith("${"):
            problems.append(f"{name}: {key} has a literal value; take it from the environment")
for required in ("postgres", "temporal", "temporal-ui", "api", "worker"):
    if required not in services:
        problems.append(f"service {required} is missing")
for name in ("api", "worker"):
    if name in services and "healthcheck" not in services[name]:
        problems.append(f"{name} has no healthcheck")

with open(os.path.join(root, "Dockerfile")) as f:
    dockerfile = f.read()
if re.search(r"^\s*(ENV|ARG)\s+\S*(SECRET|PASSWORD|API_KEY|SIGNING_KEY)", dockerfile, re.M | re.I):
    problems.append("Dockerfile: a secret is baked into the image")

if problems:
    print("docker-compose.yml: " + str(len(problems)) + " problem(s)")
    for problem in problems:
        print(" - " + problem)
    sys.exit(1)
print(f"docker-compose.yml: valid ({len(services)} services)")
