"""The files under deploy/: the environment example passes `check --deploy`, the systemd units parse,
and the nginx site really hands a file to the browser on X-Accel-Redirect and refuses /protected/ itself.

The nginx test needs an nginx binary: `nginx` on PATH or LANTOA_NGINX (.ci/run unpacks Debian's
package without installing it, so no service starts); it is skipped with the reason otherwise.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.stack.services import free_port

PROJECT = Path(__file__).resolve().parents[2]
DEPLOY = PROJECT / "deploy"


def _env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "lantoa.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_the_environment_example_passes_check_deploy():
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CACHE_"))}
    environment.update(_env_example())
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_every_variable_of_the_environment_example_is_read_by_the_settings():
    settings_text = "\n".join(path.read_text() for path in (PROJECT / "config" / "settings").rglob("*.py"))
    unread = [name for name in _env_example() if name != "DJANGO_SETTINGS_MODULE" and f'"{name}"' not in settings_text]

    assert not unread


@pytest.mark.parametrize("unit", ["lantoa-web.service", "lantoa-worker.service", "lantoa-beat.service"])
def test_the_systemd_units_parse_without_a_warning(unit, tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("needs systemd-analyze")
    venv_bin = Path(sys.executable).parent
    text = (DEPLOY / "systemd" / unit).read_text()
    # The same unit, pointed at this checkout, so that verify finds the executables and folders.
    text = text.replace("/srv/lantoa/venv/bin/", f"{venv_bin}/").replace("/srv/lantoa/app", str(PROJECT))
    text = text.replace("/etc/lantoa/lantoa.env", str(DEPLOY / "lantoa.env.example"))
    text = text.replace("/srv/lantoa/media", str(tmp_path)).replace("=lantoa\n", "=root\n")
    (tmp_path / unit).write_text(text)

    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / unit)], capture_output=True, text=True)

    assert result.returncode == 0
    assert unit not in result.stderr, result.stderr  # "unknown key", "failed to parse" … name the file


def _nginx() -> str:
    configured = os.environ.get("LANTOA_NGINX")
    found = configured if configured and Path(configured).is_file() else shutil.which("nginx")
    if found is None:
        pytest.skip("needs an nginx binary (nginx on PATH or LANTOA_NGINX)")
    return found


class _Application(http.server.BaseHTTPRequestHandler):
    """Stands in for gunicorn: /certificate answers with X-Accel-Redirect, as a permission view does."""

    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        if self.path == "/certificate":
            self.send_header("X-Accel-Redirect", "/protected/certificates/2026/0001-2026-GCN-STP.pdf")
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Disposition", 'attachment; filename="0001-2026-GCN-STP.pdf"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_nginx_sends_a_file_on_x_accel_redirect_and_never_serves_protected_directly(tmp_path):
    nginx = _nginx()
    media = tmp_path / "media"
    (media / "certificates" / "2026").mkdir(parents=True)
    pdf = b"%PDF-1.7 a certificate"
    (media / "certificates" / "2026" / "0001-2026-GCN-STP.pdf").write_bytes(pdf)
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "lantoa.css").write_text("body{}")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    application = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Application)
    threading.Thread(target=application.serve_forever, daemon=True).start()
    https_port, http_port = free_port(), free_port()

    site = (DEPLOY / "nginx" / "lantoa.conf").read_text()
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{application.server_address[1]}")
    site = site.replace("/etc/ssl/lantoa/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    site = site.replace("/srv/lantoa/media/", f"{media}/").replace("/srv/lantoa/app/staticfiles/", f"{static}/")
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl").replace(
        "listen 80;", f"listen 127.0.0.1:{http_port};"
    )
    (tmp_path / "site.conf").write_text(site)
    # As root, nginx's workers would drop to `nobody`, who cannot enter pytest's folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ access_log off; client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n"
        f"  fastcgi_temp_path {tmp_path}/f; uwsgi_temp_path {tmp_path}/u; scgi_temp_path {tmp_path}/s;\n"
        f"  include {tmp_path}/site.conf; }}\n"
    )
    command = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE

    def get(path: str) -> tuple[int, bytes, dict]:
        request = urllib.request.Request(f"https://127.0.0.1:{https_port}{path}", headers={"Host": "localhost"})
        try:
            with urllib.request.urlopen(request, context=insecure, timeout=5) as response:  # noqa: S310 - loopback
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, b"", dict(error.headers)

    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, body, headers = get("/certificate")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.2)
        direct_status, direct_body, _ = get("/protected/certificates/2026/0001-2026-GCN-STP.pdf")
        static_status, static_body, static_headers = get("/static/css/lantoa.css")
        media_status, _, _ = get("/media/certificates/2026/0001-2026-GCN-STP.pdf")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        application.shutdown()

    assert (status, body) == (200, pdf)  # the file, sent by nginx after the application said yes
    assert headers["Content-Disposition"] == 'attachment; filename="0001-2026-GCN-STP.pdf"'
    assert direct_status == 404 and direct_body == b""  # `internal`: a browser cannot ask for it
    assert (static_status, static_body) == (200, b"body{}")
    assert static_headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert media_status == 200  # /media/ goes to the application, which has no such route (its 404)
