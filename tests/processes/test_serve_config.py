"""The pieces of `make serve` that need no process: the environment check and the nginx
configuration (checked by `nginx -t` when nginx is installed)."""

from __future__ import annotations

import os
import subprocess

import pytest

from config.env import DEVELOPMENT_SECRET_KEY
from deploy.serve import NGINX, check_environment, render_nginx_config, render_template
from harness.servers import free_port

GOOD = {
    "SECRET_KEY": "s" * 50,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/gigbox",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_a_complete_environment_passes():
    assert check_environment(GOOD, processes=2) == [] or not os.path.exists(NGINX)


def test_every_missing_setting_is_named_at_once():
    problems = check_environment({"SECRET_KEY": DEVELOPMENT_SECRET_KEY}, processes=0)
    text = "\n".join(problems)
    for expected in (
        "SECRET_KEY is not set",
        "DATABASE_URL is not set",
        "REDIS_URL is not set",
        "GIGBOX_PROCESSES=0",
    ):
        assert expected in text


def test_a_placeholder_without_a_value_is_an_error():
    assert render_template("a {{ x }} b", {"x": "1"}) == "a 1 b"
    with pytest.raises(RuntimeError, match="missing"):
        render_template("{{ missing }}", {})


def test_the_rendered_config_proxies_websockets_and_lists_every_process(tmp_path):
    config = render_nginx_config(
        run_dir=tmp_path,
        listen="127.0.0.1:8000",
        backend_ports=[8101, 8102, 8103],
        static_root=tmp_path / "static",
    )
    assert "{{" not in config
    for port in (8101, 8102, 8103):
        assert f"server 127.0.0.1:{port} max_fails=2 fail_timeout=10s;" in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config
    assert "proxy_read_timeout 1h;" in config
    assert "proxy_next_upstream error timeout;" in config
    assert f"alias {tmp_path / 'static'}/;" in config
    assert f"pid {tmp_path}/nginx.pid;" in config


@pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed")
def test_nginx_accepts_the_rendered_config(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "tmp").mkdir()
    (tmp_path / "static").mkdir()
    (tmp_path / "nginx.conf").write_text(
        render_nginx_config(
            run_dir=tmp_path,
            listen=f"127.0.0.1:{free_port()}",
            backend_ports=[8101],
            static_root=tmp_path / "static",
        )
    )
    result = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(tmp_path), "-c", "nginx.conf"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
