"""`make serve`: Gigbox as in production, on this machine.

    python -m deploy.serve [--listen 127.0.0.1:8000] [--processes N] [--run-dir var/serve]

1. Refuses to start, naming what is missing, without SECRET_KEY (a real one), DATABASE_URL
   (PostgreSQL), REDIS_URL, or nginx.
2. Runs `manage.py migrate` and `collectstatic` (unless --no-setup).
3. Starts N server processes (`python -m config.server`, N from GIGBOX_PROCESSES, default 2)
   on loopback ports, with DEBUG off, and waits until each answers /readyz.
4. Renders deploy/nginx.conf.template into the run directory and runs Debian's nginx in the
   foreground in front of them (pid, logs and temp files inside the run directory).
5. Prints the URL and writes <run-dir>/serve.json (names, ports and PIDs).
6. On SIGTERM or SIGINT (Ctrl+C) stops them all by PID: the server processes first (they
   drain and close sockets with 1001, docs/deploy.md), then nginx (SIGQUIT: graceful), and
   SIGKILL for anything still there after the deadline. A server process that dies on its
   own is restarted on its port; if nginx dies, everything stops with exit code 1.

The local run has no TLS in front, so it sets SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0
for its processes only; real deployments terminate TLS in front of nginx and keep both on.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from config.env import SettingsError, redis_host, secret_key
from harness.servers import free_port

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = REPO_ROOT / "deploy" / "nginx.conf.template"
DEFAULT_RUN_DIR = REPO_ROOT / "var" / "serve"
NGINX = os.environ.get("GIGBOX_NGINX", "") or shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"
READY_TIMEOUT = 60.0
EXIT_REFUSED = 2
# The marker every child carries in its environment: tests find strays by it.
RUN_DIR_ENV = "GIGBOX_SERVE_RUN_DIR"


def log(message: str) -> None:
    print(f"serve: {message}", file=sys.stderr, flush=True)


# -- refusing to start -------------------------------------------------------------------


def check_environment(environ: dict[str, str] | os._Environ, *, processes: int) -> list[str]:
    """Every reason not to start, each a sentence naming the variable and the fix."""
    problems: list[str] = []
    try:
        secret_key(environ.get("SECRET_KEY", "").strip(), debug=False)
    except SettingsError as exc:
        problems.append(str(exc))
    database_url = environ.get("DATABASE_URL", "").strip()
    if not database_url:
        problems.append(
            "DATABASE_URL is not set: make serve needs PostgreSQL, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/gigbox"
        )
    elif urlsplit(database_url).scheme not in {"postgres", "postgresql", "pgsql"}:
        problems.append(
            f"DATABASE_URL is not PostgreSQL (scheme {urlsplit(database_url).scheme!r}): several "
            "processes share one database, which must be PostgreSQL (postgres://…)."
        )
    redis_url = environ.get("REDIS_URL", "").strip()
    if not redis_url:
        problems.append(
            "REDIS_URL is not set: the processes share the channel layer and rate limits "
            "through Redis, e.g. REDIS_URL=redis://127.0.0.1:6379/0"
        )
    else:
        try:
            redis_host(redis_url, max_connections=1)
        except SettingsError as exc:
            problems.append(str(exc))
    if processes < 1:
        problems.append(f"GIGBOX_PROCESSES={processes}: at least one server process is needed.")
    if not (Path(NGINX).is_file() and os.access(NGINX, os.X_OK)):
        problems.append(
            f"nginx not found at {NGINX}: apt-get install -y nginx (or set GIGBOX_NGINX)"
        )
    return problems


# -- nginx configuration -----------------------------------------------------------------


def render_template(template: str, values: dict[str, str]) -> str:
    """Fill `{{ name }}` placeholders; a placeholder without a value is an error, not a gap."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise RuntimeError(f"nginx template placeholder {{{{ {name} }}}} has no value")
        return values[name]

    return re.sub(r"\{\{\s*(\w+)\s*\}\}", substitute, template)


def user_directive(static_root: Path) -> str:
    """Started as root, nginx runs its workers as `nobody`, who may not read STATIC_ROOT (a
    private temporary folder, say); run them as the owner of STATIC_ROOT instead. Started
    as anyone else, nginx keeps that user and the directive is left out."""
    if os.geteuid() != 0:
        return "# (not root: the workers keep this user)"
    import pwd

    owner = pwd.getpwuid(static_root.stat().st_uid if static_root.exists() else 0).pw_name
    return f"user {owner};  # the owner of STATIC_ROOT, so that the workers can read it"


def render_nginx_config(
    *,
    run_dir: Path,
    listen: str,
    backend_ports: list[int],
    static_root: Path,
    max_fails: int = 2,
    fail_timeout: int = 10,
    worker_processes: str = "auto",
) -> str:
    upstreams = "\n".join(
        f"        server 127.0.0.1:{port} max_fails={max_fails} fail_timeout={fail_timeout}s;"
        for port in backend_ports
    )
    return render_template(
        TEMPLATE.read_text(),
        {
            "run_dir": str(run_dir),
            "listen": listen,
            "upstream_servers": upstreams,
            "static_root": str(static_root),
            "mime_types": MIME_TYPES,
            "worker_processes": worker_processes,
            "client_max_body_size": "30m",
            "user_directive": user_directive(static_root),
        },
    )


# -- processes ---------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the supervisor itself is killed (Linux), so that even
    `kill -9` of the supervisor leaves nothing behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def spawn(cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
    # Own session: Ctrl+C in the terminal reaches the supervisor only, which then stops the
    # children in order, by PID.
    return subprocess.Popen(
        cmd, cwd=REPO_ROOT, env=env, start_new_session=True, preexec_fn=_die_with_parent
    )


def http_status(url: str, *, timeout: float = 2.0) -> int | None:
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


@dataclass
class Child:
    name: str
    cmd: list[str]
    port: int
    process: subprocess.Popen | None = None
    restarts: int = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Stop(Exception):
    """A signal asked the supervisor to stop."""


class Supervisor:
    def __init__(self, args: argparse.Namespace, environ: dict[str, str]) -> None:
        self.args = args
        self.run_dir = Path(args.run_dir).resolve()
        self.static_root = Path(environ.get("STATIC_ROOT") or REPO_ROOT / "staticfiles").resolve()
        self.env = {
            **environ,
            "DEBUG": "0",
            # No TLS in front of this local run: see the module docstring.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            # nginx runs on loopback: its X-Real-IP is believed (config/client_address.py).
            "GIGBOX_TRUSTED_PROXIES": environ.get("GIGBOX_TRUSTED_PROXIES") or "127.0.0.1,::1",
            "ALLOWED_HOSTS": environ.get("ALLOWED_HOSTS") or "127.0.0.1,localhost",
            "STATIC_ROOT": str(self.static_root),
            RUN_DIR_ENV: str(self.run_dir),
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        ports = args.backend_ports or [free_port() for _ in range(args.processes)]
        self.app = [
            Child(
                name=f"web{i + 1}",
                port=port,
                cmd=[
                    sys.executable,
                    "-m",
                    "config.server",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--name",
                    f"web{i + 1}",
                    "--proxy-headers",
                ],
            )
            for i, port in enumerate(ports[: args.processes])
        ]
        self.listen_port = int(args.listen.rsplit(":", 1)[1])
        self.nginx = Child(
            name="nginx",
            port=self.listen_port,
            cmd=[NGINX, "-p", str(self.run_dir), "-c", "nginx.conf", "-g", "daemon off;"],
        )
        self.stop_signal: int | None = None

    # signals

    def _on_signal(self, signum: int, _frame) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum
            raise Stop

    def _check_stop(self) -> None:
        if self.stop_signal is not None:
            raise Stop

    # steps

    def prepare_run_dir(self) -> None:
        for sub in ("logs", "tmp"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        (self.run_dir / "nginx.conf").write_text(
            render_nginx_config(
                run_dir=self.run_dir,
                listen=self.args.listen,
                backend_ports=[child.port for child in self.app],
                static_root=self.static_root,
            )
        )

    def run_step(self, *manage_args: str) -> None:
        log("manage.py " + " ".join(manage_args))
        process = spawn([sys.executable, "manage.py", *manage_args], self.env)
        try:
            code = process.wait()
        finally:
            if process.poll() is None:  # interrupted by a signal
                process.terminate()
                process.wait(timeout=30)
        if code != 0:
            raise RuntimeError(f"manage.py {manage_args[0]} failed with exit code {code}")

    def start_app(self, child: Child) -> None:
        child.process = spawn(child.cmd, self.env)

    def wait_ready(self, child: Child, url: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            self._check_stop()
            if not child.alive():
                raise RuntimeError(
                    f"{child.name} exited with code {child.process.returncode} before it was ready"
                )
            if http_status(url) == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{child.name} did not answer 200 on {url} within {READY_TIMEOUT:.0f} s")

    def write_state(self) -> None:
        state = {
            "url": self.url,
            "supervisor_pid": os.getpid(),
            "nginx": {"pid": self.nginx.pid, "port": self.listen_port},
            "processes": [{"name": c.name, "pid": c.pid, "port": c.port} for c in self.app],
        }
        (self.run_dir / "serve.json").write_text(json.dumps(state, indent=2))

    @property
    def url(self) -> str:
        return f"http://{self.args.listen}/"

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        try:
            self.prepare_run_dir()
            test = subprocess.run(
                [*self.nginx.cmd[:-2], "-t", "-q"], capture_output=True, text=True
            )
            if test.returncode != 0:
                raise RuntimeError(f"nginx rejected {self.run_dir / 'nginx.conf'}:\n{test.stderr}")
            if not self.args.no_setup:
                self.run_step("migrate", "--noinput")
                self.run_step("collectstatic", "--noinput", "--verbosity", "0")
            for child in self.app:
                self.start_app(child)
            for child in self.app:
                self.wait_ready(child, f"http://127.0.0.1:{child.port}/readyz")
            self.nginx.process = spawn(self.nginx.cmd, self.env)
            self.wait_ready(self.nginx, f"http://127.0.0.1:{self.listen_port}/readyz")
            self.write_state()
            processes = ", ".join(f"{c.name} pid {c.pid} on :{c.port}" for c in self.app)
            log(f"{len(self.app)} server process(es): {processes}; nginx pid {self.nginx.pid}")
            if not self.env.get("EMAIL_HOST"):
                log(
                    "EMAIL_HOST is not set: emails (password resets too) are printed to the console"
                )
            print(f"Gigbox is serving on {self.url} (Ctrl+C to stop)", flush=True)
            return self.supervise()
        except Stop:
            log(f"{signal.Signals(self.stop_signal).name} received, stopping")
            return 0
        except RuntimeError as exc:
            log(f"error: {exc}")
            return 1
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self.stop_all()

    def supervise(self) -> int:
        while True:
            time.sleep(0.5)
            self._check_stop()
            if not self.nginx.alive():
                log(f"nginx exited with code {self.nginx.process.returncode}; stopping everything")
                return 1
            for child in self.app:
                if not child.alive():
                    child.restarts += 1
                    log(
                        f"{child.name} (pid {child.pid}) exited "
                        f"with code {child.process.returncode}; "
                        f"restarting it (restart #{child.restarts})"
                    )
                    time.sleep(min(2**child.restarts, 30) / 4)
                    self.start_app(child)
                    self.write_state()

    def stop_all(self) -> None:
        """Stop every process we started, by PID: app processes (graceful) then nginx."""
        running = [child for child in self.app if child.alive()]
        for child in running:
            child.process.send_signal(signal.SIGTERM)
        shutdown_timeout = float(self.env.get("GIGBOX_SHUTDOWN_TIMEOUT") or 10)
        self._wait_or_kill(running, timeout=shutdown_timeout + 5)
        if self.nginx.alive():
            self.nginx.process.send_signal(signal.SIGQUIT)  # graceful: finish requests in flight
            self._wait_or_kill([self.nginx], timeout=10)
        for child in self.app + [self.nginx]:
            if child.process is not None:
                log(f"{child.name} (pid {child.pid}) stopped, exit code {child.process.returncode}")

    @staticmethod
    def _wait_or_kill(children: list[Child], *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for child in children:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{child.name} (pid {child.pid}) did not stop in time: SIGKILL")
                child.process.kill()
                child.process.wait(timeout=5)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.serve", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--listen",
        default=os.environ.get("GIGBOX_LISTEN", "127.0.0.1:8000"),
        help="nginx's address, host:port (default 127.0.0.1:8000)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="server processes (default: GIGBOX_PROCESSES or 2)",
    )
    parser.add_argument(
        "--backend-ports",
        default=os.environ.get("GIGBOX_BACKEND_PORTS", ""),
        help="comma-separated loopback ports for the processes (default: free ports)",
    )
    parser.add_argument("--run-dir", default=str(DEFAULT_RUN_DIR))
    parser.add_argument("--no-setup", action="store_true", help="skip migrate and collectstatic")
    args = parser.parse_args(argv)
    if args.processes is None:
        raw = os.environ.get("GIGBOX_PROCESSES", "").strip() or "2"
        try:
            args.processes = int(raw)
        except ValueError:
            parser.error(f"GIGBOX_PROCESSES={raw!r} is not a whole number")
    args.backend_ports = [int(p) for p in args.backend_ports.split(",") if p.strip()]
    if args.backend_ports and len(args.backend_ports) < args.processes:
        parser.error(
            f"--backend-ports names {len(args.backend_ports)} port(s) "
            f"for {args.processes} processes"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    problems = check_environment(os.environ, processes=args.processes)
    if problems:
        log("refusing to start a production-like run:")
        for problem in problems:
            log(f"  - {problem}")
        return EXIT_REFUSED
    return Supervisor(args, dict(os.environ)).run()


if __name__ == "__main__":
    sys.exit(main())
