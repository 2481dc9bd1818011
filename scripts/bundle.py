# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
# SPDX-License-Identifier: MIT
"""Build, offline, what a CircuitPython Community Bundle release of blynk_edgent carries (``make bundle``).

    .venv/bin/python scripts/bundle.py [--mpy-cross PATH] [--out DIR] [--circup-data DIR]

circuitpython-build-tools builds the zips, in its own format, from a staged copy of the repository laid
out as the library repository it expects (``out/bundle-stage/blynk_edgent``, a git repository of its
own, tagged with the version):

    pyproject.toml        [tool.setuptools] packages = ["blynk_edgent"]: the tool's package
    requirements.txt      the device libraries (requirements-device.txt's, by PyPI name) for circup
    blynk_edgent/         lib/blynk_edgent, version.py and __init__.py carrying the version
    blynk_edgent/boards/  boards/*.py: one ``circup install blynk_edgent`` brings the profiles too
    examples/             examples/

Into ``--out`` (default out/bundle) go ``circuitpython-blynk-edgent-py-<version>.zip``,
``circuitpython-blynk-edgent-examples-<version>.zip`` and ``circuitpython-blynk-edgent-<version>.json``,
made by ``circuitpython-build-bundles`` itself, and with ``--mpy-cross`` a CircuitPython mpy-cross
``circuitpython-blynk-edgent-<N>.x-mpy-<version>.zip``, made by the tool's ``build_bundle`` for that one
compiler (its command line would download one compiler per CircuitPython version). A compiler whose
.mpy files do not start with ``C`` (MicroPython's start with ``M``, which CircuitPython refuses:
"MicroPython .mpy file; use CircuitPython mpy-cross") is refused before anything is built.

The version is the semver tag at HEAD (``1.2.0``, or ``v1.2.0``); otherwise it is what the tool gives
an untagged library commit: ``<next patch>-alpha.0.plus.<commits since the tag>+<sha>`` after a tag, and
``0.0.1-alpha.0.plus.<commits>+<sha>`` with no tag at all. The repository's version.py is not changed.

``--circup-data DIR`` also unpacks the zips into DIR as circup's data folder (``XDG_DATA_HOME``), with
the device libraries' offline bundle (``edgent deploy --offline``'s), so that, without publishing
anything or the network: ``XDG_DATA_HOME=DIR circup --offline --path CIRCUITPY install blynk_edgent``.

Exit status: 0 built, 1 the build failed, 2 refused (a compiler that is not CircuitPython's); the
reason is one line on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = "blynk_edgent"
BOARDS = ROOT / "boards"
EXAMPLES = ROOT / "examples"
REQUIREMENTS = ROOT / "requirements-device.txt"
# The device library's distribution metadata: the bundle JSON's description comes from it.
DEVICE_PYPROJECT = ROOT / "packaging" / "device" / "pyproject.toml"
# Where the releases are to be published: the bundle JSON names it, and circup's bundle of that name
# (``circup bundle-add blynk-edgent/CircuitPython_Blynk_Edgent``) downloads the zips named after it.
REPO = "blynk-edgent/CircuitPython_Blynk_Edgent"
# The tool's file name prefix; circup finds a bundle's zips as <repo name, lower case, - for _>-py-<tag>.zip.
PREFIX = REPO.split("/")[1].lower().replace("_", "-")
STAGE = ROOT / "out" / "bundle-stage"
OUT = ROOT / "out" / "bundle"
SAY = "bundle: "
SEMVER = re.compile(r"v?((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)")
PROFILES_INIT = '"""Board profiles for blynk_edgent (a user\'s own in lib/blynk_edgent_boards/ win over these)."""\n'
MPY_CROSS_TIMEOUT = 120
# git in the staged repository: nobody's configuration, hooks or signing keys.
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "make bundle",
    "GIT_AUTHOR_EMAIL": "bundle@localhost",
    "GIT_COMMITTER_NAME": "make bundle",
    "GIT_COMMITTER_EMAIL": "bundle@localhost",
}


class RefusedError(Exception):
    """The build cannot go ahead as asked (exit status 2); the message says why, in one line."""


class BuildError(Exception):
    """The build went wrong (exit status 1); the message says what, in one line."""


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


# The version.


def release_version(repo: Path = ROOT) -> tuple[str, str]:
    """The bundle's version for ``repo``'s HEAD, and where it comes from (in words)."""
    head = _git(repo, "rev-parse", "--short=7", "HEAD")
    if head.returncode != 0:
        raise BuildError(f"{repo} is not a git repository with a commit: the version comes from git tags")
    sha = head.stdout.strip()
    exact = _git(repo, "describe", "--tags", "--exact-match", "HEAD")
    if exact.returncode == 0 and (found := SEMVER.fullmatch(exact.stdout.strip())):
        return found.group(1), f"tag {exact.stdout.strip()}"
    described = _git(repo, "describe", "--tags", "--long", "--abbrev=7", "HEAD")
    parts = described.stdout.strip().rsplit("-", 2) if described.returncode == 0 else []
    if len(parts) == 3 and (found := SEMVER.fullmatch(parts[0])):
        major, minor, patch, pre = found.group(2), found.group(3), int(found.group(4)), found.group(5)
        if pre:
            version = f"{major}.{minor}.{patch}{pre}.plus.{parts[1]}+{sha}"
        else:
            version = f"{major}.{minor}.{patch + 1}-alpha.0.plus.{parts[1]}+{sha}"
        return version, f"{parts[1]} commits after tag {parts[0]}"
    count = _git(repo, "rev-list", "--count", "HEAD").stdout.strip()
    return f"0.0.1-alpha.0.plus.{count}+{sha}", "no semver tag: a development version"


# The compiler.


def mpy_cross_target(mpy_cross: Path) -> str:
    """The CircuitPython version ``mpy_cross`` compiles for, as the tool names it ("10.x"); raise
    :class:`RefusedError` unless a small module it compiles starts as CircuitPython's .mpy files do ('C', 6)."""
    from circuitpython_build_tools import target_versions  # type: ignore[import-untyped]

    if not (mpy_cross.is_file() and os.access(mpy_cross, os.X_OK)):
        raise RefusedError(f"--mpy-cross {mpy_cross}: no such executable")
    mpy_cross = Path(os.path.abspath(mpy_cross))  # run from another folder below
    try:
        said = subprocess.run([str(mpy_cross), "--version"], capture_output=True, text=True, timeout=MPY_CROSS_TIMEOUT)
        version = (said.stdout + said.stderr).strip().splitlines()
        with tempfile.TemporaryDirectory(prefix="bundle-mpy-") as work:
            (Path(work) / "probe.py").write_text("x = 1\n")
            compiled = subprocess.run(
                [str(mpy_cross), "-o", "probe.mpy", "probe.py"],
                cwd=work,
                capture_output=True,
                text=True,
                timeout=MPY_CROSS_TIMEOUT,
            )
            output = Path(work) / "probe.mpy"
            header = output.read_bytes()[:2] if output.is_file() else b""
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RefusedError(f"--mpy-cross {mpy_cross} did not run: {error}") from None
    named = version[-1] if version else "no --version"
    if compiled.returncode != 0 or len(header) < 2:
        last = (compiled.stderr or compiled.stdout).strip().splitlines()
        raise RefusedError(f"--mpy-cross {mpy_cross} did not compile a one-line module ({last[-1] if last else named})")
    if header[:1] == b"M":
        raise RefusedError(
            f"--mpy-cross {mpy_cross} is MicroPython's mpy-cross ({named}): its .mpy files start with 'M' and "
            "CircuitPython refuses them ('MicroPython .mpy file; use CircuitPython mpy-cross'); pass CircuitPython's "
            "(built from adafruit/circuitpython's mpy-cross/, or circuitpython-build-tools' download) or leave "
            "MPY_CROSS out for the .py bundle only"
        )
    if header != b"C\x06":
        raise RefusedError(
            f"--mpy-cross {mpy_cross} wrote a .mpy starting {header!r}, not CircuitPython's b'C\\x06' "
            "(CircuitPython 9 and 10 load .mpy version 6 from CircuitPython's own mpy-cross only)"
        )
    major = re.search(r"CircuitPython (\d+)\.", named)
    names = [v["name"] for v in target_versions.VERSIONS]
    if major is None or f"{major.group(1)}.x" not in names:
        raise RefusedError(
            f"--mpy-cross {mpy_cross} says {named!r}: not which CircuitPython it is for among {', '.join(names)} "
            "(the .mpy zip is named after it)"
        )
    return f"{major.group(1)}.x"


# The staged library repository.


def requirement_names() -> list[str]:
    """The device libraries, by PyPI name, one a line as circup and the tool read requirements.txt."""
    from edgent_host.deploy import devicelibs

    return [requirement.pypi for requirement in devicelibs.read_requirements(REQUIREMENTS)]


def description() -> str:
    """The device distribution's one-line description (a short one of our own when it has none)."""
    try:
        found = tomllib.loads(DEVICE_PYPROJECT.read_text())["project"]["description"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        found = None
    return found if isinstance(found, str) and found else "Blynk.Edgent WiFi provisioning for CircuitPython"


def pyproject(description: str) -> str:
    return (
        "# Staged by scripts/bundle.py for circuitpython-build-tools, which takes the first package below and\n"
        "# everything in its folder; not the repository's packaging.\n"
        "[project]\n"
        f'name = "{PREFIX}"\n'
        f"description = {json.dumps(description)}\n"
        'license = "MIT"\n'
        'dynamic = ["version", "dependencies"]\n\n'
        "[tool.setuptools]\n"
        f'packages = ["{LIBRARY}"]\n'
    )


def stage(where: Path, version: str) -> Path:
    """Lay the library out in ``where/blynk_edgent`` as a library repository, committed and tagged ``version``."""
    from edgent_host.deploy import files

    repo = where / LIBRARY
    if repo == ROOT or ROOT.is_relative_to(repo):
        raise RefusedError(f"--stage {where}: staging there would replace {ROOT}; pass a scratch folder")
    if repo.exists():
        shutil.rmtree(repo)  # the previous build's staged copy, nothing else of the folder
    package = repo / LIBRARY
    for name, source in files.library_files(ROOT / "lib" / LIBRARY):  # what deploy copies: modules, portal.html
        (package.parent / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, package.parent / name)
    version_py = package / "version.py"
    line = f'__version__ = "{version}"'
    text, replaced = re.subn(r'^__version__ = "[^"]*"$', line, version_py.read_text(), count=1, flags=re.M)
    if replaced != 1:
        raise BuildError(f'{ROOT / "lib" / LIBRARY / "version.py"} has no __version__ = "..." line to set')
    version_py.write_text(text)
    # circup reads a package's version from the first of its files (sorted) that seems to hold one; in a
    # CircuitPython .mpy that is the first "X.Y.Z" string, which would be dns.mpy's 192.168.4.1. The package's
    # __init__ sorts first: it carries the version itself, as the cookiecutter's libraries do.
    init = package / "__init__.py"
    text, replaced = re.subn(
        r"^from blynk_edgent\.version import __version__$", line, init.read_text(), count=1, flags=re.M
    )
    if replaced != 1:
        raise BuildError(
            f"{ROOT / 'lib' / LIBRARY / '__init__.py'} does not import __version__ from its version module"
        )
    init.write_text(text)
    (package / "boards").mkdir()
    (package / "boards" / "__init__.py").write_text(PROFILES_INIT)
    for profile in sorted(BOARDS.glob("*.py")):
        shutil.copyfile(profile, package / "boards" / profile.name)
    for example in sorted(EXAMPLES.rglob("*")):
        relative = example.relative_to(EXAMPLES)
        if example.is_file() and "__pycache__" not in relative.parts and not relative.name.startswith("."):
            (repo / "examples" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(example, repo / "examples" / relative)
    (repo / "requirements.txt").write_text("".join(name + "\n" for name in requirement_names()))
    (repo / "pyproject.toml").write_text(pyproject(description()))
    for args in (
        ("init", "-q", "-b", "main"),
        ("add", "-A"),
        ("commit", "-q", "--no-verify", "-m", f"blynk_edgent {version}"),
        ("tag", version),
        ("remote", "add", "origin", f"https://github.com/{REPO}.git"),
    ):
        result = _git(repo, *args, env=GIT_ENV)
        if result.returncode != 0:
            raise BuildError(f"git {args[0]} in {repo}: {(result.stderr or result.stdout).strip()}")
    return repo


# The build.


def build_tool() -> list[str]:
    from edgent_host.deploy.devicelibs import console_script

    found = console_script("circuitpython-build-bundles")
    if not found:
        raise BuildError("circuitpython-build-bundles is not installed: make setup (requirements-dev.txt)")
    return [found]


def _tail(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"


def build(repo: Path, out: Path, version: str, mpy_cross: Path | None, mpy_target: str | None) -> list[Path]:
    """Run circuitpython-build-tools on the staged ``repo``; return the files it made in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob(f"{PREFIX}-*"), *out.glob("z-build_tools_version-*.ignore")]:
        old.unlink()
    # What a library's release workflow runs, in its repository: py, examples and the JSON. Its version is
    # `git describe --tags --exact-match` there: the staged repository's tag.
    command = [*build_tool(), "--filename_prefix", PREFIX, "--library_location", ".", "--output_directory", str(out)]
    command += ["--package_folder_prefix", LIBRARY, "--only", "py", "--only", "example", "--only", "json"]
    result = subprocess.run(command, cwd=repo, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    if result.returncode != 0:
        raise BuildError(f"circuitpython-build-bundles failed: {_tail(result.stdout + result.stderr)}")
    if mpy_cross is not None and mpy_target is not None:
        _build_mpy(repo, out, version, mpy_cross, mpy_target)
    made = sorted(path for path in out.iterdir() if path.name.startswith(PREFIX))
    check(out, version, mpy_target)
    return made


def _build_mpy(repo: Path, out: Path, version: str, mpy_cross: Path, target: str) -> None:
    """The tool's .mpy zip for ``target``, compiled by ``mpy_cross``, as its command line builds each one."""
    from importlib import metadata

    from circuitpython_build_tools.scripts import build_bundles  # type: ignore[import-untyped]

    captured = io.StringIO()
    try:
        with contextlib.chdir(repo), contextlib.redirect_stdout(captured):
            build_bundles.build_bundle(
                [str(repo)],
                version,
                str(out / f"{PREFIX}-{target}-mpy-{version}.zip"),
                [LIBRARY],
                build_tools_version=metadata.version("circuitpython-build-tools"),
                mpy_cross=mpy_cross.resolve(),
            )
    except (SystemExit, RuntimeError, ValueError, OSError) as error:
        raise BuildError(f"the {target} .mpy zip failed: {_tail(captured.getvalue()) or error}") from None


def check(out: Path, version: str, mpy_target: str | None) -> None:
    """Raise :class:`BuildError` unless ``out`` holds what a release carries, with the library, its profiles,
    its requirements and ``version`` in them."""
    top = f"{PREFIX}-py-{version}"
    py_zip, examples_zip = out / f"{top}.zip", out / f"{PREFIX}-examples-{version}.zip"
    listing = out / f"{PREFIX}-{version}.json"
    for path in (py_zip, examples_zip, listing):
        if not path.is_file():
            raise BuildError(f"circuitpython-build-bundles made no {path.name} in {out}")
    lib = f"{top}/lib/{LIBRARY}"
    with zipfile.ZipFile(py_zip) as archive:
        names = set(archive.namelist())
        version_py = archive.read(f"{lib}/version.py").decode() if f"{lib}/version.py" in names else ""
    wanted = [
        f"{lib}/__init__.py",
        f"{lib}/portal.html",
        f"{lib}/boards/__init__.py",
        f"{lib}/boards/generic_native.py",
    ]
    missing = [name for name in [*wanted, f"{top}/requirements/{LIBRARY}/requirements.txt"] if name not in names]
    if missing or f'__version__ = "{version}"' not in version_py:
        raise BuildError(f"{py_zip.name} lacks {', '.join(missing) or 'the version in version.py'}")
    entry = json.loads(listing.read_text()).get(LIBRARY)
    if not entry or entry.get("version") != version:
        raise BuildError(f"{listing.name} does not list {LIBRARY} {version}: {entry}")
    if mpy_target is not None and not (out / f"{PREFIX}-{mpy_target}-mpy-{version}.zip").is_file():
        raise BuildError(f"no {PREFIX}-{mpy_target}-mpy-{version}.zip in {out}")


# circup, offline.


def circup_data(out: Path, version: str, data_dir: Path, mpy_target: str | None) -> None:
    """Make ``data_dir`` (circup's XDG_DATA_HOME) hold the device libraries' offline bundle and this bundle, as
    circup keeps the bundles it downloads, with this one named in its local bundle list (``circup bundle-add``'s)."""
    from edgent_host.deploy import devicelibs

    devicelibs.offline_bundle(data_dir, devicelibs.read_requirements(REQUIREMENTS), 10, None)  # the .py libraries
    circup = data_dir / "circup"
    owner = REPO.split("/")[0]
    platforms = {"py": f"{PREFIX}-py-{version}.zip"}
    if mpy_target is not None:
        platforms[f"{mpy_target[:-2]}mpy"] = f"{PREFIX}-{mpy_target}-mpy-{version}.zip"
    for platform, name in platforms.items():
        folder = circup / owner / f"{PREFIX}-{platform}"
        if folder.exists():
            shutil.rmtree(folder)
        with zipfile.ZipFile(out / name) as archive:
            archive.extractall(folder)
    tags_file = circup / "circup.json"
    tags = json.loads(tags_file.read_text()) if tags_file.is_file() else {}
    tags[REPO] = [version]
    tags_file.write_text(json.dumps(tags))
    (circup / "bundle_config_local.json").write_text(json.dumps({LIBRARY: REPO}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--mpy-cross", type=Path, help="CircuitPython's mpy-cross: also build the .mpy zip")
    parser.add_argument("--out", type=Path, default=OUT, help="where the zips and the JSON go (default out/bundle)")
    parser.add_argument("--stage", type=Path, default=STAGE, help="the staged library repository's parent folder")
    parser.add_argument("--circup-data", type=Path, metavar="DIR", help="also unpack them for circup --offline")
    parser.add_argument("--version", help="this semver instead of git's (to try a release's build before its tag)")
    args = parser.parse_args(argv)
    try:
        target = mpy_target = None
        if args.mpy_cross is not None:
            named = str(args.mpy_cross)
            target = Path(shutil.which(named) or named) if os.sep not in named else Path(os.path.abspath(named))
            mpy_target = mpy_cross_target(target)
        if args.version is not None:
            if not SEMVER.fullmatch(args.version) or args.version.startswith("v"):
                raise RefusedError(f"--version {args.version}: not a semantic version (1.2.0, 1.2.0-rc.1)")
            version, source = args.version, "--version"
        else:
            version, source = release_version()
        dirty = _git(ROOT, "status", "--porcelain", "--", "lib", "boards", "examples", "requirements-device.txt")
        note = ""
        if dirty.stdout.strip():
            note = "; the bundle holds uncommitted changes to lib/, boards/ or examples/, its version does not say so"
        print(f"{SAY}version {version} ({source}){note}", flush=True)
        repo = stage(args.stage.resolve(), version)
        print(f"{SAY}staged {repo}", flush=True)
        made = build(repo, args.out.resolve(), version, target, mpy_target)
        for path in made:
            print(f"{SAY}{path}")
        if mpy_target is None:
            print(f"{SAY}no .mpy zip: pass CircuitPython's mpy-cross (MPY_CROSS=... / --mpy-cross) for one")
        elif not re.fullmatch(r"\d+\.\d+\.\d+", version):
            # circup finds a .mpy's version by the first "X.Y.Z" string followed by a NUL byte in it.
            print(f"{SAY}note: circup reads a .mpy library's version only when it is X.Y.Z, as a tag's release is")
        if args.circup_data is not None:
            circup_data(args.out.resolve(), version, args.circup_data.resolve(), mpy_target)
            print(f"{SAY}circup: XDG_DATA_HOME={args.circup_data} circup --offline --path CIRCUITPY install {LIBRARY}")
    except RefusedError as refusal:
        print(SAY + str(refusal), file=sys.stderr)
        return 2
    except BuildError as failure:
        print(SAY + str(failure), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
