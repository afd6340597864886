"""Static checks of docker-compose.yml (there is no Docker engine in CI): it parses, it is valid
against the Compose specification's JSON schema, what it refers to holds together, and the
production shape holds: the Temporal images are the versions the tests run, no auto-setup image,
Postgres on a named volume, an explicit schema job the server waits for, a namespace job the
offload services wait for, and a healthcheck on every long-running service.

    python3 scripts/check_compose.py <compose-spec schema.json> [compose file]

Relative paths in the compose file resolve from the repository root (as with
`docker compose --project-directory .`), so a copy of the file elsewhere checks the same way.
The tested versions come from `temporal --version` of the CLI the tests use:
$OFFLOAD_TEST_TEMPORAL_BIN (exported by scripts/lib.sh ensure_temporal), else the cache's venv.
"""

import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERSIONS_BLOCK = "x-temporal-images"
# Temporal image repository → which tested version its tag must follow.
TEMPORAL_IMAGES = {
    "temporalio/server": "Server",
    "temporalio/admin-tools": "Server",
    "temporalio/ui": "UI",
}
POSTGRES_DATA_DIRS = ("/var/lib/postgresql/data", "/var/lib/postgresql")
SCHEMA_DIRS = ("temporal/versioned", "visibility/versioned")
SECRET_KEY = re.compile(r"SECRET|PASSWORD|PWD|API_KEY|SIGNING_KEY|ACCESS_KEY")


# ---------------------------------------------------------------------------------------------
# Small readers of the compose structure


def image_of(service):
    """(repository, tag) of a service's image; tag "latest" when none is given."""
    image = (service.get("image") or "").split("@", 1)[0]
    if ":" not in image.rsplit("/", 1)[-1]:
        return image, "latest"
    repository, _, tag = image.rpartition(":")
    return repository, tag


def command_text(service):
    """Everything a service runs (entrypoint and command), as one string."""
    parts = []
    for key in ("entrypoint", "command"):
        value = service.get(key)
        if isinstance(value, list):
            parts.extend(str(item) for item in value)
        elif value:
            parts.append(str(value))
    return "\n".join(parts)


def dependency_condition(service, dependency):
    """The depends_on condition a service sets for a dependency (None when it has none)."""
    depends_on = service.get("depends_on") or {}
    if isinstance(depends_on, list):
        return "service_started" if dependency in depends_on else None
    spec = depends_on.get(dependency)
    return spec.get("condition") if isinstance(spec, dict) else None


def one_shot_services(services):
    """Jobs, not long-running services: waited on to complete, or set never to restart."""
    waited_on = {
        dependency
        for service in services.values()
        for dependency in (service.get("depends_on") or {})
        if dependency_condition(service, dependency) == "service_completed_successfully"
    }
    return waited_on | {name for name, service in services.items() if str(service.get("restart")) == "no"}


def mounts(service):
    """(source, target) of each volume entry, short or long syntax."""
    for mount in service.get("volumes") or []:
        if isinstance(mount, str):
            parts = mount.split(":")
            yield (parts[0], parts[1]) if len(parts) > 1 else ("", parts[0])  # one part: anonymous
        else:
            yield mount.get("source", ""), mount.get("target", "")


def is_named_volume(source):
    return bool(source) and not source.startswith((".", "/", "~"))


def has_healthcheck(service):
    check = service.get("healthcheck")
    return bool(check) and not check.get("disable") and check.get("test") not in (["NONE"], "NONE")


# ---------------------------------------------------------------------------------------------
# The checks: each returns a list of problems, each naming the service and what is wrong


def check_schema(compose, schema):
    return [
        f"schema: {'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in jsonschema.Draft7Validator(schema).iter_errors(compose)
    ]


def check_references(compose):
    """Build contexts, Dockerfiles, mounts, env files and dependencies exist; no literal secrets."""
    problems = []
    services = compose.get("services") or {}
    declared_volumes = compose.get("volumes") or {}
    for name, service in services.items():
        build = service.get("build")
        if build:
            context = os.path.join(ROOT, build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            if not os.path.isdir(context):
                problems.append(f"{name}: build context {context} does not exist")
            elif not os.path.isfile(os.path.join(context, dockerfile)):
                problems.append(f"{name}: {dockerfile} does not exist in {context}")
        for source, _ in mounts(service):
            if source.startswith((".", "/")) and not os.path.exists(os.path.join(ROOT, source)):
                problems.append(f"{name}: mounted path {source} does not exist")
            elif is_named_volume(source) and source not in declared_volumes:
                problems.append(f"{name}: volume {source} is not declared")
        env_files = service.get("env_file")
        for env_file in env_files if isinstance(env_files, list) else []:
            if not os.path.isfile(os.path.join(ROOT, env_file)):
                problems.append(f"{name}: env_file {env_file} does not exist")
        for dependency in service.get("depends_on") or {}:
            if dependency not in services:
                problems.append(f"{name}: depends on unknown service {dependency}")
            elif dependency_condition(service, dependency) == "service_healthy" \
                    and not has_healthcheck(services[dependency]):
                problems.append(f"{name}: waits for {dependency} to be healthy, which has no healthcheck")
        # Secrets come from the environment, never from this file.
        environment = service.get("environment") or {}
        for key, value in environment.items() if isinstance(environment, dict) else []:
            if SECRET_KEY.search(key) and value not in (None, "") and not str(value).startswith("${"):
                problems.append(f"{name}: {key} has a literal value; take it from the environment")
    return problems


def check_required_services(services):
    return [
        f"service {required} is missing"
        for required in ("postgres", "temporal", "temporal-ui", "api", "worker")
        if required not in services
    ]


def check_healthchecks(services):
    """Every long-running service has a healthcheck; one-shot jobs need none."""
    jobs = one_shot_services(services)
    return [
        f"{name}: long-running service without a healthcheck (nothing can tell when it is ready or stuck)"
        for name, service in services.items()
        if name not in jobs and not has_healthcheck(service)
    ]


def check_no_auto_setup(compose):
    """No temporalio/auto-setup image anywhere in the file (it is for development only)."""
    problems = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path + [str(key)])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, path + [str(index)])
        elif isinstance(node, str) and "temporalio/auto-setup" in node:
            where = f"{path[1]}" if path[:1] == ["services"] and len(path) > 1 else "/".join(path)
            problems.append(f"{where}: uses {node.strip()}; auto-setup is for development only — run "
                            f"temporalio/server with an explicit schema job")

    walk(compose, [])
    return problems


def check_postgres_volume(compose):
    """Postgres keeps its data on a named volume, not in the container (declared: check_references)."""
    services = compose.get("services") or {}
    postgres = {name: s for name, s in services.items() if image_of(s)[0].rsplit("/", 1)[-1] == "postgres"}
    if not postgres:
        return ["no Postgres service (image postgres:…) for the Temporal cluster"]
    problems = []
    for name, service in postgres.items():
        data = [(source, target) for source, target in mounts(service) if target in POSTGRES_DATA_DIRS]
        if not data:
            problems.append(f"{name}: no volume at {POSTGRES_DATA_DIRS[0]}; the database would be lost with the container")
        for source, target in data:
            if not is_named_volume(source):
                problems.append(f"{name}: {target} is on {source or 'an anonymous volume'}, not a named volume")
    return problems


def check_schema_job(services):
    """A one-shot temporal-sql-tool job sets up both schemas; the server waits for it to complete."""
    jobs = {name: s for name, s in services.items() if "temporal-sql-tool" in command_text(s)}
    servers = [name for name, s in services.items() if image_of(s)[0] == "temporalio/server"]
    if not jobs:
        return ["no schema job: no service runs temporal-sql-tool (create-database, setup-schema, "
                "update-schema), and without auto-setup nothing else creates the schema"]
    problems = []
    for name, service in jobs.items():
        text = command_text(service)
        for step in ("create-database", "setup-schema", "update-schema"):
            if step not in text:
                problems.append(f"{name}: the schema job does not run temporal-sql-tool {step}")
        for schema_dir in SCHEMA_DIRS:
            if schema_dir not in text:
                problems.append(f"{name}: the schema job does not update the {schema_dir.split('/')[0]} schema "
                                f"(…/{schema_dir})")
        if str(service.get("restart", "no")) != "no":
            problems.append(f"{name}: the schema job restarts ({service['restart']}); a one-shot job needs restart: \"no\"")
    for server in servers:
        if not any(dependency_condition(services[server], job) == "service_completed_successfully" for job in jobs):
            problems.append(f"{server}: starts without waiting for the schema job ({', '.join(jobs)}) to complete "
                            f"(depends_on condition service_completed_successfully)")
    return problems


def check_namespace_job(services):
    """A job creates the namespace once the server is healthy; the API and the worker wait for it."""
    jobs = [name for name, s in services.items() if "operator namespace create" in command_text(s)]
    if not jobs:
        return ["no service creates the Temporal namespace (temporal operator namespace create); "
                "without auto-setup nothing else does"]
    problems = []
    servers = [name for name, s in services.items() if image_of(s)[0] == "temporalio/server"]
    for job in jobs:
        if servers and not any(dependency_condition(services[job], server) == "service_healthy" for server in servers):
            problems.append(f"{job}: creates the namespace without waiting for the Temporal server to be healthy")
    for name in ("api", "worker"):
        if name in services and not any(
                dependency_condition(services[name], job) == "service_completed_successfully" for job in jobs):
            problems.append(f"{name}: does not wait for the namespace job ({', '.join(jobs)}) to complete")
    return problems


def temporal_cli():
    cache = os.environ.get("OFFLOAD_CACHE", os.path.expanduser("~/.cache/offload"))
    return os.environ.get("OFFLOAD_TEST_TEMPORAL_BIN") or os.path.join(cache, "venv", "bin", "temporal")


def tested_versions(binary):
    """{"Server": …, "UI": …} from `temporal --version`, or a problem saying why not."""
    try:
        run = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, (f"versions: cannot run the Temporal CLI the tests use ({binary}: {error}); "
                      f"scripts/check-compose.sh installs it")
    match = re.search(r"Server (\d+\.\d+\.\d+[^,\s]*), UI (\d+\.\d+\.\d+[^)\s]*)", run.stdout)
    if not match:
        return None, (f"versions: `{binary} --version` does not say 'Server X.Y.Z, UI A.B.C': "
                      f"{(run.stdout + run.stderr).strip()!r}")
    return {"Server": match[1], "UI": match[2]}, None


def check_versions_in_step(compose, tested):
    """Server, admin-tools and UI tags are the tested versions (or their closest published tags)."""
    services = compose.get("services") or {}
    block = compose.get(VERSIONS_BLOCK) or {}
    closest = {str(k): str(v) for k, v in (block.get("closest-published") or {}).items()}
    problems = [
        f"{VERSIONS_BLOCK}.closest-published maps {version}, which the tests no longer run "
        f"(they run Server {tested['Server']}, UI {tested['UI']}); remove or update it"
        for version in closest if version not in tested.values()
    ]
    for repository, component in TEMPORAL_IMAGES.items():
        version = tested[component]
        expected = closest.get(version, version)
        users = [(name, image_of(s)[1]) for name, s in services.items() if image_of(s)[0] == repository]
        if not users:
            problems.append(f"no service runs {repository} (expected {repository}:{expected})")
        for name, tag in users:
            if tag == expected:
                continue
            because = f"the tests run {component} {version}"
            if expected != version:
                because += f", published as {expected} per {VERSIONS_BLOCK}.closest-published"
            problems.append(f"{name}: image {repository}:{tag} is out of step with the tested Temporal "
                            f"({because}); use {repository}:{expected} in {VERSIONS_BLOCK}")
    return problems


def check_dockerfile():
    with open(os.path.join(ROOT, "Dockerfile")) as f:
        dockerfile = f.read()
    if re.search(r"^\s*(ENV|ARG)\s+\S*(SECRET|PASSWORD|API_KEY|SIGNING_KEY)", dockerfile, re.M | re.I):
        return ["Dockerfile: a secret is baked into the image"]
    return []


# ---------------------------------------------------------------------------------------------


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(f"usage: {argv[0]} <compose-spec schema.json> [compose file]")
    schema_path = argv[1]
    compose_path = argv[2] if len(argv) == 3 else os.path.join(ROOT, "docker-compose.yml")
    with open(compose_path) as f:
        compose = yaml.safe_load(f)
    with open(schema_path) as f:
        schema = json.load(f)
    services = compose.get("services") or {}

    problems = check_schema(compose, schema)
    problems += check_references(compose)
    problems += check_required_services(services)
    problems += check_healthchecks(services)
    problems += check_no_auto_setup(compose)
    problems += check_postgres_volume(compose)
    problems += check_schema_job(services)
    problems += check_namespace_job(services)
    binary = temporal_cli()
    tested, problem = tested_versions(binary)
    problems += [problem] if problem else check_versions_in_step(compose, tested)
    problems += check_dockerfile()

    label = os.path.relpath(compose_path, ROOT) if compose_path.startswith(ROOT) else compose_path
    if problems:
        print(f"{label}: {len(problems)} problem(s)")
        for problem in problems:
            print(" - " + problem)
        sys.exit(1)
    print(f"{label}: valid ({len(services)} services; Temporal images in step with the tested "
          f"Server {tested['Server']}, UI {tested['UI']})")


if __name__ == "__main__":
    main(sys.argv)
