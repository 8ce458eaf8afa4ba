"""Upload memory and CPU: peak RSS and seconds per upload of one server process, for 1 and 8
concurrent 24 MB uploads (accepted), 28 MB uploads (refused: over the file limit) and 40 MB
bodies (refused: over the request limit), through the JSON API, against a real
`python -m config.server` process on loopback that this script starts and stops by PID (one
fresh process per case). Results in docs/benchmarks.md.

    .venv/bin/python bench/uploads.py                       # this checkout
    .venv/bin/python bench/uploads.py --repo /tmp/gigbox-base  # e.g. a worktree of the base

Needs PostgreSQL and Redis on loopback (BENCH_PG_ADMIN_URL, BENCH_REDIS_URL).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common

MB = 1024 * 1024
# A 28 MB file is over the per-file limit (400 after the form is read); a 40 MB body is over
# GIGBOX_UPLOAD_REQUEST_MAX_BYTES (413 before the application reads it).
CASES = (("accepted 24 MB", 24 * MB), ("refused 28 MB", 28 * MB), ("refused 40 MB", 40 * MB))
DATABASE = "gigbox_bench_uploads"
SETUP = """
import json
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from inbox.models import Conversation
user = get_user_model().objects.get(username="buyer")
client = Client()
client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
conversation = Conversation.objects.filter(participants__user=user).order_by("pk").first()
print(json.dumps({"session": client.cookies["sessionid"].value, "csrf": _get_new_csrf_string(),
                  "conversation": conversation.pk}))
"""


def _env(repo: Path, database_url: str, redis_url: str, media: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW_ASYNC")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="bench-uploads-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        LOG_LEVEL="WARNING",
        GIGBOX_SEND_RATE_LIMIT="100000",
        MEDIA_ROOT=media,
        GIGBOX_VAR_DIR=media,
        PYTHONPATH=str(repo),
    )
    return env


def _run(repo: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=repo, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def _proc_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _multipart(size: int) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    line = b"plain words for a long brief, line after line.\n"
    content = (line * (size // len(line) + 1))[:size]
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="client_id"\r\n\r\n'
        f"{uuid.uuid4().hex}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\nbrief\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="brief.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode(),
        content,
        f"\r\n--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), boundary


def _upload(port: int, auth: dict, body: bytes, boundary: str, out: list) -> None:
    # A fresh client_id per request: the body is shared, so patch the id in place.
    body = body.replace(body[body.index(b"\r\n\r\n") + 4 :][:32], uuid.uuid4().hex.encode(), 1)
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request(
            "POST",
            f"/api/inbox/conversations/{auth['conversation']}/messages/",
            body=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Cookie": f"sessionid={auth['session']}; csrftoken={auth['csrf']}",
                "X-CSRFToken": auth["csrf"],
                "Host": "127.0.0.1",
            },
        )
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError as exc:  # a server that refuses early may close while we still send
        status = f"closed ({exc.__class__.__name__})"
    finally:
        conn.close()
    out.append((status, time.perf_counter() - started))


def _case(repo: Path, env: dict, auth: dict, *, size: int, concurrent: int) -> dict:
    port = common.free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "config.server", "--host", "127.0.0.1", "--port", str(port)],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        common.wait_for_port(port, timeout=60, process=process)
        # Warm up (first request: templates, the contact detector, the database pool) with a
        # small upload, then reset the peak (clear_refs 5), so the peak is the uploads'.
        small, small_boundary = _multipart(64 * 1024)
        _upload(port, auth, small, small_boundary, [])
        time.sleep(1.0)
        Path(f"/proc/{process.pid}/clear_refs").write_text("5")
        rss_before = _proc_kib(process.pid, "VmRSS")
        cpu_before = _cpu(process.pid)
        body, boundary = _multipart(size)
        results: list = []
        threads = [
            threading.Thread(target=_upload, args=(port, auth, body, boundary, results))
            for _ in range(concurrent)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        time.sleep(0.5)
        return {
            "rss_before_mb": rss_before / 1024,
            "peak_mb": _proc_kib(process.pid, "VmHWM") / 1024,
            "rss_after_mb": _proc_kib(process.pid, "VmRSS") / 1024,
            "cpu_s_per_upload": (_cpu(process.pid) - cpu_before) / concurrent,
            "s_per_upload": sum(seconds for _, seconds in results) / len(results),
            "wall_s": wall,
            "statuses": sorted({str(status) for status, _ in results}),
        }
    finally:
        process.send_signal(signal.SIGTERM)  # by PID: only the process this case started
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--label", default="")
    parser.add_argument("--database", default=DATABASE, help="private database (gigbox_bench*)")
    parser.add_argument("--cases", default="1,8", help="concurrent uploads per case")
    args = parser.parse_args()
    repo = args.repo.resolve()
    database_url = common.create_database(args.database)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="gigbox-bench-uploads-") as media:
            env = _env(repo, database_url, redis_url, media)
            _run(repo, env, "migrate", "--noinput")
            _run(repo, env, "seed")
            auth = json.loads(_run(repo, env, "shell", "-c", SETUP).strip().splitlines()[-1])
            for label, size in CASES:
                for concurrent in (int(n) for n in args.cases.split(",")):
                    result = _case(repo, env, auth, size=size, concurrent=concurrent)
                    rows.append((label, concurrent, result))
                    print(label, concurrent, json.dumps(result), flush=True)
    finally:
        common.drop_database(args.database)
    print()
    print(f"{args.label or repo} ({common.machine()})")
    print(
        common.table(
            ["case", "concurrent", "RSS before MB", "peak RSS MB", "RSS after MB",
             "s per upload", "CPU s per upload", "answers"],
            [
                (label, n, f"{r['rss_before_mb']:.0f}", f"{r['peak_mb']:.0f}",
                 f"{r['rss_after_mb']:.0f}", f"{r['s_per_upload']:.2f}",
                 f"{r['cpu_s_per_upload']:.2f}", " ".join(r["statuses"]))
                for label, n, r in rows
            ],
        )
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
