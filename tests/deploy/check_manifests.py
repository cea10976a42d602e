#!/usr/bin/env python3
"""Checks deploy/kubernetes against the build (no cluster needed; kubectl is not used):
   tests/deploy/check_manifests.py BUILD_DIR
Every manifest parses; kustomization.yaml lists every manifest; each container runs an image that scripts/image.sh
builds (capsule-small or capsule-full at the version of CMakeLists.txt) and a runner it holds, with flags that
runner accepts (its --help, from the build); probes ask GET /health on a declared container port, which for a message
runner is its --metrics-port; the module (--wasm) lies in a mounted volume that exists; the pods run as the image's
non-root user with a read-only root filesystem; each Service selects a Deployment's pods on a declared port."""
import pathlib
import re
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(sys.argv[1]).resolve()
DEPLOY = ROOT / "deploy" / "kubernetes"
RUNNERS = {
    "capsule": BUILD / "src/runners/capsule/capsule",
    "capsule-http": BUILD / "src/runners/http/capsule-http",
    "capsule-nats": BUILD / "src/runners/nats/capsule-nats",
    "capsule-mqtt": BUILD / "src/runners/mqtt/capsule-mqtt",
}
version = re.search(r"project\(capsule VERSION ([0-9.]+)", (ROOT / "CMakeLists.txt").read_text()).group(1)
IMAGES = {f"capsule-small:{version}", f"capsule-full:{version}"}
errors = []


def check(ok, message):
    if not ok:
        errors.append(message)


def flags_of(runner):
    help_text = subprocess.run([str(RUNNERS[runner]), "--help"], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"^\s+--([A-Za-z][\w-]*)", help_text, re.M))


def port_of(container, port):
    for p in container.get("ports", []):
        if port in (p.get("name"), p.get("containerPort")):
            return p["containerPort"]
    return None


manifests = sorted(p.name for p in DEPLOY.glob("*.yaml") if p.name != "kustomization.yaml")
kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
check(sorted(kustomization.get("resources", [])) == manifests,
      f"kustomization.yaml lists {kustomization.get('resources')}, the folder holds {manifests}")
deployments, services = [], []
for name in manifests:
    for doc in yaml.safe_load_all((DEPLOY / name).read_text()):
        check(doc and doc.get("apiVersion") and doc.get("metadata", {}).get("name"), f"{name}: a document without a name")
        (deployments if doc["kind"] == "Deployment" else services if doc["kind"] == "Service" else []).append(doc)
check(deployments and services, "no Deployment or no Service")

for d in deployments:
    where = f"Deployment {d['metadata']['name']}"
    pod = d["spec"]["template"]["spec"]
    check(d["spec"]["selector"]["matchLabels"].items() <= d["spec"]["template"]["metadata"]["labels"].items(),
          f"{where}: its selector does not select its pods")
    pod_security = pod.get("securityContext", {})
    check(pod_security.get("runAsNonRoot") is True and pod_security.get("runAsUser") == 10001,
          f"{where}: pods must run as the image's user 10001")
    volumes = {v["name"] for v in pod.get("volumes", [])}
    for c in pod["containers"]:
        cwhere = f"{where}, container {c['name']}"
        check(c["image"] in IMAGES, f"{cwhere}: image {c['image']} is not one of {sorted(IMAGES)}")
        runner = c.get("command", [None])[0]
        check(runner in RUNNERS, f"{cwhere}: command {c.get('command')} is not a runner of the image")
        if runner not in RUNNERS:
            continue
        known = flags_of(runner)
        args = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "") for a in c.get("args", []))
        for flag in args:
            check(flag in known, f"{cwhere}: {runner} has no --{flag}")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        for m in mounts.values():
            check(m in volumes, f"{cwhere}: mounts volume {m}, which the pod does not define")
        wasm = args.get("wasm", "")
        check(any(wasm.startswith(path.rstrip("/") + "/") for path in mounts), f"{cwhere}: --wasm={wasm} is in no mount")
        security = c.get("securityContext", {})
        check(security.get("readOnlyRootFilesystem") is True and security.get("allowPrivilegeEscalation") is False
              and security.get("capabilities", {}).get("drop") == ["ALL"], f"{cwhere}: its securityContext is too wide")
        served = int(args["httpPort"]) if runner == "capsule-http" else int(args.get("metrics-port", "0") or 0)
        check(served > 0, f"{cwhere}: serves no HTTP port for its probes (--httpPort or --metrics-port)")
        for probe in ("readinessProbe", "livenessProbe"):
            get = c.get(probe, {}).get("httpGet", {})
            check(get.get("path") == "/health", f"{cwhere}: {probe} does not ask /health")
            check(port_of(c, get.get("port")) == served, f"{cwhere}: {probe} port {get.get('port')} is not {served}")

for s in services:
    where = f"Service {s['metadata']['name']}"
    selected = [d for d in deployments if s["spec"]["selector"].items() <= d["spec"]["template"]["metadata"]["labels"].items()]
    check(selected, f"{where}: selects no Deployment's pods")
    for d in selected:
        for p in s["spec"]["ports"]:
            check(any(port_of(c, p["targetPort"]) for c in d["spec"]["template"]["spec"]["containers"]),
                  f"{where}: targetPort {p['targetPort']} is no container port of {d['metadata']['name']}")

for e in errors:
    print("check_manifests:", e, file=sys.stderr)
if errors:
    sys.exit(1)
print(f"check_manifests: {len(deployments)} Deployments and {len(services)} Services agree with the build")
