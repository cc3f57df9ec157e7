"""Fixtures for the Terraform tests: OpenTofu with the opentelekomcloud
provider (built by scripts/tofu on first use) against one emulator per test
session.

The emulator binary is $OTC_EMULATOR_BIN, else <repo>/target/debug/otc-emulator.
It listens on a free loopback port with a fresh data directory. Each test
copies one configuration folder into a temporary directory and drives
scripts/tofu there, so state and lock files never land in the repository.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
TOFU = REPO_ROOT / "scripts" / "tofu"
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "otc-emulator"

DOMAIN = "emulator"
USERNAME = "admin"
PASSWORD = "emulator"
PROJECT = "eu-de"

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def toolchain():
    """Builds (or finds cached) OpenTofu and the provider once per session."""
    env = dict(os.environ, OTC_TOFU_BUILD_ONLY="1")
    proc = subprocess.run([str(TOFU)], env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        pytest.fail(f"scripts/tofu could not build its tools (exit {proc.returncode}):\n{proc.stderr}")
    return TOFU


@dataclass
class Emulator:
    base_url: str
    log_path: Path
    _tokens: dict = field(default_factory=dict)

    @property
    def auth_url(self) -> str:
        return self.base_url + "/v3"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def token(self, project: str = PROJECT) -> tuple[str, str]:
        """A project-scoped token of the admin user and the project's id."""
        if project not in self._tokens:
            body = {
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {"user": {"name": USERNAME, "password": PASSWORD, "domain": {"name": DOMAIN}}},
                    },
                    "scope": {"project": {"name": project, "domain": {"name": DOMAIN}}},
                }
            }
            r = requests.post(self.auth_url + "/auth/tokens", json=body, timeout=10)
            r.raise_for_status()
            self._tokens[project] = (r.headers["X-Subject-Token"], r.json()["token"]["project"]["id"])
        return self._tokens[project]

    def get(self, path: str, project: str = PROJECT) -> requests.Response:
        """GET base_url + path, `{project_id}` filled in, with a token."""
        token, project_id = self.token(project)
        url = self.base_url + path.replace("{project_id}", project_id)
        return requests.get(url, headers={"X-Auth-Token": token}, timeout=10)

    def post(self, path: str, body: dict, project: str = PROJECT) -> requests.Response:
        token, project_id = self.token(project)
        url = self.base_url + path.replace("{project_id}", project_id)
        return requests.post(url, json=body, headers={"X-Auth-Token": token}, timeout=10)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """One emulator for the session (each xdist worker has its own)."""
    yield from run_emulator(tmp_path_factory)


def run_emulator(tmp_path_factory):
    """Starts an emulator on a free port with a fresh data directory, yields
    it, and stops it: for the session fixture, and for a test module that
    needs an emulator of its own."""
    binary = Path(os.environ.get("OTC_EMULATOR_BIN", DEFAULT_BIN))
    if not binary.is_file():
        pytest.fail(f"emulator binary not found at {binary}; run `cargo build -p otc-emulator` or set OTC_EMULATOR_BIN")
    data_dir = Path(tempfile.mkdtemp(prefix="otc-emu-tf-"))
    log_path = tmp_path_factory.mktemp("log") / "emulator.log"
    port = _free_port()
    proc_env = {k: v for k, v in os.environ.items() if not k.startswith("OTC_EMULATOR_")}
    proc_env["NO_COLOR"] = "1"
    log_file = open(log_path, "wb")
    proc = subprocess.Popen(
        [str(binary), "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data_dir)],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=proc_env,
    )
    emu = Emulator(base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    try:
        deadline = time.monotonic() + 10
        while True:
            if proc.poll() is not None:
                pytest.fail(f"emulator exited with {proc.returncode}:\n{emu.log()}")
            try:
                r = requests.get(emu.base_url + "/_emulator/health", timeout=1)
                if r.status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"emulator not healthy within 10 s:\n{emu.log()}")
            time.sleep(0.1)
        yield emu
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log_file.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Workspace:
    """One configuration copied into a temporary folder, driven by
    scripts/tofu with the given OS_* credentials."""

    def __init__(self, tofu: Path, emulator: Emulator, config: str, workdir: Path, credentials: dict):
        self.tofu = tofu
        self.emulator = emulator
        self.dir = workdir
        shutil.copytree(HERE / config, workdir, dirs_exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "TF_"))}
        self.env.update(
            {
                "OTC_EMULATOR_URL": emulator.auth_url,
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "NO_COLOR": "1",
                # Each provider RPC is logged; kept for failure reports.
                "TF_LOG_PATH": str(workdir / "tofu.log"),
                "TF_LOG": "DEBUG",
                # A refused request is an answer, not a reason to back off
                # for a minute.
                "OS_MAX_BACKOFF_RETRIES": "0",
            }
        )
        self.env.update(credentials)

    def run(self, *args: str, check: bool = True, ok: tuple = (0,), timeout: int = 600) -> Run:
        proc = subprocess.run(
            [str(self.tofu), *args, "-no-color"],
            cwd=self.dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        run = Run(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode not in ok:
            pytest.fail(
                f"`tofu {' '.join(args)}` exited {proc.returncode}\n"
                f"stdout:\n{proc.stdout[-12000:]}\nstderr:\n{proc.stderr[-6000:]}\n"
                f"provider requests (tail):\n{self.requests_tail()}\n"
                f"emulator log (tail):\n{self.emulator.log()[-4000:]}"
            )
        return run

    def requests_tail(self, chars: int = 6000) -> str:
        try:
            log = (self.dir / "tofu.log").read_text(errors="replace")
        except OSError:
            return ""
        keep = [line for line in log.splitlines() if "[DEBUG] provider" in line or "[ERROR]" in line]
        return "\n".join(keep)[-chars:]

    def state_values(self, address: str) -> dict:
        """The attributes the state holds for `address` (a resource or a
        data source of the root module)."""
        run = self.run("show", "-json")
        resources = json.loads(run.stdout).get("values", {}).get("root_module", {}).get("resources", [])
        for r in resources:
            if r["address"] == address:
                return r["values"]
        pytest.fail(f"{address} is not in the state")

    def outputs(self) -> dict:
        run = self.run("output", "-json")
        return {k: v["value"] for k, v in json.loads(run.stdout).items()}

    def plan_is_clean(self, *args: str) -> None:
        """A plan changes no resource: what the provider reads back is what
        it wrote, in the types it expects.

        Judged on the plan's resource changes rather than on
        `-detailed-exitcode` alone, which also exits 2 when only an output
        changes: after an in-place update OpenTofu 1.12 leaves outputs that
        read data sources re-read during that apply at null in the state
        (the data sources' own state is right), and the next plan shows
        them as output changes with no resource change. Any resource change,
        or an exit code other than 0 or 2, fails."""
        run = self.run("plan", "-detailed-exitcode", "-out=clean.tfplan", *args, check=False)
        if run.returncode == 0:
            return
        if run.returncode == 2:
            shown = self.run("show", "-json", "clean.tfplan")
            plan = json.loads(shown.stdout)
            changed = [
                f"{c['address']}: {c['change']['actions']}"
                for c in plan.get("resource_changes", [])
                if c["change"]["actions"] not in (["no-op"], ["read"])
            ]
            drift = [f"{d['address']}: {d['change']['actions']}" for d in plan.get("resource_drift", [])]
            if not changed and not drift:
                return
            pytest.fail("plan after apply is not clean:\n" + "\n".join(changed + drift) + "\n" + run.stdout[-12000:])
        pytest.fail(f"plan after apply failed (exit {run.returncode}):\n{run.stdout[-12000:]}\n{run.stderr[-4000:]}")


@pytest.fixture
def workspace(toolchain, emulator, tmp_path):
    def make(config: str, credentials: dict) -> Workspace:
        return Workspace(toolchain, emulator, config, tmp_path / config, credentials)

    return make


@pytest.fixture(scope="session")
def access_key(emulator):
    """An access key of the admin user, created through the API."""
    token, _ = emulator.token()
    r = requests.get(emulator.auth_url + "/auth/tokens", headers={"X-Auth-Token": token, "X-Subject-Token": token}, timeout=10)
    r.raise_for_status()
    user_id = r.json()["token"]["user"]["id"]
    r = requests.post(
        emulator.base_url + "/v3.0/OS-CREDENTIAL/credentials",
        json={"credential": {"user_id": user_id, "description": "terraform test"}},
        headers={"X-Auth-Token": token},
        timeout=10,
    )
    r.raise_for_status()
    cred = r.json()["credential"]
    return cred["access"], cred["secret"]


def assert_shown(emulator, show: dict, ids: dict) -> None:
    """Every created resource answers 200 at its path (`show`: output key of
    its id -> path with `{id}`)."""
    for key, path in show.items():
        r = emulator.get(path.replace("{id}", ids[key]))
        assert r.status_code == 200, f"{key} {ids[key]} not shown after apply: {r.status_code} {r.text}"


def assert_not_shown(emulator, show: dict, ids: dict, gone=lambda r: r.status_code == 404) -> None:
    """After destroy, every created resource is gone at its path."""
    for key, path in show.items():
        r = emulator.get(path.replace("{id}", ids[key]))
        assert gone(r), f"{key} {ids[key]} still there after destroy: {r.status_code} {r.text}"


def assert_no_tf_names(emulator, lists: dict) -> None:
    """No list (path -> member) holds anything named tf-*."""
    for path, member in lists.items():
        r = emulator.get(path)
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text}"
        left = [x for x in r.json()[member] if str(x.get("name", "")).startswith("tf-")]
        assert left == [], f"{path} still lists {left}"


def credentials(kind: str, access_key=None) -> dict:
    if kind == "password":
        return {"OS_USERNAME": USERNAME, "OS_PASSWORD": PASSWORD, "OS_DOMAIN_NAME": DOMAIN, "OS_PROJECT_NAME": PROJECT}
    ak, sk = access_key
    return {"OS_ACCESS_KEY": ak, "OS_SECRET_KEY": sk, "OS_DOMAIN_NAME": DOMAIN, "OS_PROJECT_NAME": PROJECT}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        emu = item.funcargs.get("emulator") if hasattr(item, "funcargs") else None
        if emu is not None:
            report.sections.append(("emulator log (tail)", emu.log()[-8000:]))
