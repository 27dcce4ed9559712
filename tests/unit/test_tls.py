"""Every Kaggle client of the process verifies TLS with one trust store (kaggle/tls.py), which reads its CA
certificates at the first handshake: checked against httpx's own context and a real TLS server."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import os
import ssl
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kaggle_mcp.kaggle.client import ClientSettings, KaggleClient
from kaggle_mcp.kaggle.tls import trust_store

ROOT = Path(__file__).resolve().parents[2]


def _context_of(client: httpx.AsyncClient | httpx.Client) -> ssl.SSLContext:
    return client._transport._pool._ssl_context  # httpx's own wiring: the context its pool connects with


@pytest.mark.anyio
async def test_clients_share_one_verifying_trust_store():
    store = trust_store()
    assert store is trust_store()
    reference = httpx.create_ssl_context()  # what httpx would have made for each client
    for setting in ("protocol", "verify_mode", "check_hostname", "verify_flags", "options", "minimum_version",
                    "maximum_version", "keylog_filename", "post_handshake_auth"):
        assert getattr(store, setting) == getattr(reference, setting), setting
    assert store.verify_mode == ssl.CERT_REQUIRED and store.check_hostname
    assert [c["name"] for c in store.get_ciphers()] == [c["name"] for c in reference.get_ciphers()]
    settings = ClientSettings(endpoint="https://api.kaggle.com")
    first, second = KaggleClient(settings), KaggleClient(settings)
    try:
        assert _context_of(first.http) is _context_of(second.http) is store
        assert _context_of(first.sync_http) is store
    finally:
        await first.aclose()
        await second.aclose()


def _authority(directory: Path, name: str) -> tuple[Path, object, object]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    path = directory / f"{name}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path, cert, key


def _server_certificate(directory: Path, ca_cert: object, ca_key: object) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())  # type: ignore[attr-defined]
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)  # type: ignore[attr-defined]
            .sign(ca_key, hashes.SHA256()))  # type: ignore[arg-type]
    cert_path, key_path = directory / "server.pem", directory / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """An HTTPS server on 127.0.0.1 with a certificate from a throwaway CA; the CA, and a CA that did not sign it."""
    directory = tmp_path_factory.mktemp("tls")
    ca_path, ca_cert, ca_key = _authority(directory, "test-ca")
    stranger, _, _ = _authority(directory, "other-ca")
    cert_path, key_path = _server_certificate(directory, ca_cert, ca_key)

    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", ca_path, stranger
    finally:
        server.shutdown()
        server.server_close()


CLIENT = textwrap.dedent('''
    import json, sys
    import anyio
    from kaggle_mcp.kaggle.client import ClientSettings, KaggleClient
    from kaggle_mcp.kaggle.tls import trust_store

    async def main(url, way):
        client = KaggleClient(ClientSettings(endpoint=url))
        report = {"cas_before": trust_store().cert_store_stats()["x509_ca"]}
        try:
            if way == "async":
                response = await client.http.get(url)
            else:  # the blocking pool the download threads use
                response = await anyio.to_thread.run_sync(client.sync_http.get, url)
            report["status"] = response.status_code
        except Exception as exc:
            report["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            await client.aclose()
        report["cas_after"] = trust_store().cert_store_stats()["x509_ca"]
        print(json.dumps(report))

    anyio.run(main, sys.argv[1], sys.argv[2])
''')


def _connect(url: str, way: str, ca_file: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_DIR", "SSLKEYLOGFILE")
           and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env["SSL_CERT_FILE"] = str(ca_file)
    done = subprocess.run([sys.executable, "-c", CLIENT, url, way], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("way", ["async", "sync"])
def test_certificates_are_read_at_the_first_handshake(tls_server: tuple[str, Path, Path], way: str):
    url, ca, _ = tls_server
    report = _connect(url, way, ca)
    assert report == {"cas_before": 0, "status": 200, "cas_after": 1}, report


@pytest.mark.parametrize("way", ["async", "sync"])
def test_a_server_the_trust_store_does_not_vouch_for_is_refused(tls_server: tuple[str, Path, Path], way: str):
    url, _, stranger = tls_server
    report = _connect(url, way, stranger)
    assert "status" not in report, report
    assert "CERTIFICATE_VERIFY_FAILED" in str(report["error"]), report
    assert report["cas_after"] == 1  # it read the stranger's CA, and that CA did not sign the server's certificate
