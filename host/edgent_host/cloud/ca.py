# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The local cloud's own certificate authority, so devices can talk TLS to it as they do to blynk.cloud.

A directory (``edgent cloud --ca DIR``, default ``out/cloud-ca``) holds:

- ``ca.pem`` / ``ca.key``: the CA. A device or test client trusts ``ca.pem``.
- ``server.pem`` / ``server.key``: the server certificate, signed by the CA, for ``blynk.cloud``,
  ``localhost`` and ``127.0.0.1``.

Missing files are created; existing ones are reused, so a device that was given ``ca.pem`` once
keeps trusting the cloud across restarts.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVER_NAMES = ("blynk.cloud", "localhost")
SERVER_IPS = ("127.0.0.1",)

# Valid from 1970: a board whose clock was never set believes it is 1970 or 2000, and a TLS stack
# that checks dates would refuse a certificate "not valid yet". Ten years ahead is plenty for tests.
_NOT_BEFORE = datetime.datetime(1970, 1, 2, tzinfo=datetime.UTC)
_LIFETIME = datetime.timedelta(days=3650)


@dataclass(frozen=True)
class CAFiles:
    """The four files of a CA directory."""

    directory: Path

    @property
    def ca_cert(self) -> Path:
        """The CA certificate clients trust."""
        return self.directory / "ca.pem"

    @property
    def ca_key(self) -> Path:
        """The CA's private key."""
        return self.directory / "ca.key"

    @property
    def server_cert(self) -> Path:
        """The server certificate (blynk.cloud, localhost, 127.0.0.1)."""
        return self.directory / "server.pem"

    @property
    def server_key(self) -> Path:
        """The server certificate's private key."""
        return self.directory / "server.key"


def ensure_ca(directory: Path | str) -> CAFiles:
    """Create what is missing of the CA directory and return its files (existing files are reused).

    A missing CA means a new CA, and then a new server certificate too, since the old one would not
    chain to it.
    """
    files = CAFiles(Path(directory))
    files.directory.mkdir(parents=True, exist_ok=True)
    if files.ca_cert.exists() and files.ca_key.exists():
        ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
        ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
        new_ca = False
    else:
        ca_key, ca_cert = _make_ca()
        _write(files.ca_key, _key_pem(ca_key), private=True)
        _write(files.ca_cert, ca_cert.public_bytes(serialization.Encoding.PEM))
        new_ca = True
    if new_ca or not (files.server_cert.exists() and files.server_key.exists()):
        if not isinstance(ca_key, rsa.RSAPrivateKey):
            raise ValueError("%s: expected an RSA key" % files.ca_key)
        server_key, server_cert = _make_server(ca_key, ca_cert)
        _write(files.server_key, _key_pem(server_key), private=True)
        _write(files.server_cert, server_cert.public_bytes(serialization.Encoding.PEM))
    return files


def server_context(files: CAFiles) -> ssl.SSLContext:
    """An ``ssl`` context that serves the CA directory's server certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(files.server_cert, files.server_key)
    return context


def client_context(ca_cert: Path | str) -> ssl.SSLContext:
    """An ``ssl`` context for a client that trusts only ``ca_cert`` (use server_hostname "blynk.cloud")."""
    return ssl.create_default_context(cafile=str(ca_cert))


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, private: bool = False) -> None:
    # Write then rename, so a reader (or a second cloud starting at the same moment) never sees half a file.
    temporary = path.with_name(path.name + ".%d.tmp" % os.getpid())
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644), "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def _new_key() -> rsa.RSAPrivateKey:
    # RSA 2048 rather than EC: every TLS stack a board may run (mbedTLS builds, NINA firmware) has it.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _make_ca() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = _new_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "blynk_edgent local cloud"),
            x509.NameAttribute(NameOID.COMMON_NAME, "blynk_edgent local cloud CA"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(now + _LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _make_server(
    ca_key: CertificateIssuerPrivateKeyTypes, ca_cert: x509.Certificate
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = _new_key()
    now = datetime.datetime.now(datetime.UTC)
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in SERVER_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in SERVER_IPS]
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAMES[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(min(now + _LIFETIME, ca_cert.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert
