"""Fixtures for the real-client tests: one emulator per test session.

The emulator binary is taken from $OTC_EMULATOR_BIN, else
<repo>/target/debug/otc-emulator (build it with
`cargo build -p otc-emulator`). It is started on a free loopback port with
a fresh SQLite data directory and stopped when the session ends.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "otc-emulator"

DOMAIN = "emulator"
USERNAME = "admin"
PASSWORD = "emulator"
REGION = "eu-de"


def pytest_configure(config):
    # openstacksdk's own deprecation notices say nothing about the emulator.
    for category in ("OpenStackDeprecationWarning", "_RemovedInSDKWarning"):
        config.addinivalue_line("filterwarnings", f"ignore::openstack.warnings.{category}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str
    data: object = None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Emulator:
    base_url: str
    auth_url: str
    log_path: Path
    env: dict = field(default_factory=dict)
    home: Path = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def _clean_base_env(home: Path) -> dict:
    """The process environment minus any OS_* variable, with a private HOME
    and a clouds.yaml location that does not exist, so nothing of the
    outer user's OpenStack configuration reaches the CLI."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["HOME"] = str(home)
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    env["OS_CLIENT_CONFIG_FILE"] = str(home / "no-clouds.yaml")
    env.pop("PYTHONWARNINGS", None)
    return env


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    binary = Path(os.environ.get("OTC_EMULATOR_BIN", DEFAULT_BIN))
    if not binary.is_file():
        pytest.fail(
            f"emulator binary not found at {binary}; run `cargo build -p otc-emulator` "
            "or set OTC_EMULATOR_BIN"
        )
    data_dir = Path(tempfile.mkdtemp(prefix="otc-emu-data-"))
    home = tmp_path_factory.mktemp("home")
    log_path = tmp_path_factory.mktemp("log") / "emulator.log"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"

    proc_env = {k: v for k, v in os.environ.items() if not k.startswith("OTC_EMULATOR_")}
    proc_env["NO_COLOR"] = "1"  # a plain-text log, readable in failure reports
    log_file = open(log_path, "wb")
    proc = subprocess.Popen(
        [str(binary), "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data_dir)],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=proc_env,
    )

    emu = Emulator(base_url=base_url, auth_url=base_url + "/v3", log_path=log_path, home=home)
    try:
        deadline = time.monotonic() + 10
        while True:
            if proc.poll() is not None:
                pytest.fail(f"emulator exited with {proc.returncode}:\n{emu.log()}")
            try:
                r = requests.get(base_url + "/_emulator/health", timeout=1)
                if r.status_code == 200 and r.json().get("status") == "ok":
                    break
            except (requests.ConnectionError, requests.Timeout, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"emulator not healthy within 10 s:\n{emu.log()}")
            time.sleep(0.1)

        env = _clean_base_env(home)
        env.update(
            {
                "OS_AUTH_URL": emu.auth_url,
                "OS_USERNAME": USERNAME,
                "OS_PASSWORD": PASSWORD,
                "OS_USER_DOMAIN_NAME": DOMAIN,
                "OS_PROJECT_NAME": REGION,
                "OS_PROJECT_DOMAIN_NAME": DOMAIN,
                "OS_IDENTITY_API_VERSION": "3",
                "OS_REGION_NAME": REGION,
                "OS_INTERFACE": "public",
            }
        )
        emu.env = env
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


def _openstack_bin() -> str:
    candidate = Path(sys.executable).parent / "openstack"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("openstack")
    if not found:
        pytest.fail("the `openstack` CLI is not installed next to this python")
    return found


@pytest.fixture(scope="session")
def openstack(emulator):
    """Runs the `openstack` CLI of this virtualenv against the emulator.

    openstack("project", "list", "-f", "json") -> CliResult with .data parsed
    from JSON when `-f json` is given and the command succeeded.
    `env` overrides/extends the variables; a value of None removes one.
    `check=True` fails the test on a non-zero exit."""
    exe = _openstack_bin()

    def run(*args, env=None, check=True, timeout=60):
        full_env = dict(emulator.env)
        for k, v in (env or {}).items():
            if v is None:
                full_env.pop(k, None)
            else:
                full_env[k] = v
        proc = subprocess.run(
            [exe, *args],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=str(emulator.home),
        )
        result = CliResult(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            pytest.fail(
                f"`openstack {' '.join(args)}` exited {proc.returncode}\n"
                f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}\n"
                f"emulator log (tail):\n{emulator.log()[-4000:]}"
            )
        if proc.returncode == 0 and "json" in _format_of(args):
            result.data = json.loads(proc.stdout) if proc.stdout.strip() else None
        return result

    return run


def _format_of(args) -> str:
    args = list(args)
    for i, a in enumerate(args):
        if a in ("-f", "--format") and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--format="):
            return a.split("=", 1)[1]
    return ""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed test, attach the emulator's log to the report."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        emu = item.funcargs.get("emulator") if hasattr(item, "funcargs") else None
        if emu is not None:
            report.sections.append(("emulator log (tail)", emu.log()[-8000:]))
