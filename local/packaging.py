"""The Lambda packages (`make package`, ``atiende package``): one zip per function
and one for the shared dependencies layer, written under ``build/`` and checked
against their size budgets.

What goes in each is functions/packages.toml's to say (one place, checked by
tests/integration/test_packages.py against the handlers' imports); the pins are
functions/requirements.txt's, the rest of each tree requirements.lock's. Wheels
only, for the template's runtime and architecture (python3.12 on arm64): no
Docker and no Python 3.12 on the building machine. ``HERE`` builds the same
packages for this machine's interpreter, so a test can import every handler from
its own package.
"""

import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from local.provision import ROOT, TEMPLATE_PATH, load_template

FUNCTIONS = ROOT / "functions"
MANIFEST_PATH = FUNCTIONS / "packages.toml"
REQUIREMENTS_PATH = FUNCTIONS / "requirements.txt"
LOCK_PATH = ROOT / "requirements.lock"
BUILD = ROOT / "build"
# Every function also carries the domain package; the handler's own folder comes from its Handler.
DOMAIN_PACKAGE = "helpdesk"
# Lambda's limit on a function's code and layers, unzipped.
UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024
MB = 1024 * 1024
# Lambda's architectures and the wheels that run there. python3.12 runs on Amazon
# Linux 2023 (glibc 2.34); pip takes each accepted manylinux tag by name.
_MANYLINUX = ("manylinux2014", "manylinux_2_28", "manylinux_2_34")
_WHEEL_PLATFORMS = {"arm64": "aarch64", "x86_64": "x86_64"}
# Fixed time stamp in the zips: an unchanged package is the same bytes, which
# the SAM CLI recognises and does not upload again.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "README.md")


def normalized(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Target:
    """Where the packages will run: a Python version and wheel platform, or this
    interpreter when ``platform`` is empty."""

    python_version: str
    platform: str = ""  # a machine name (aarch64)

    def pip_options(self) -> list[str]:
        if not self.platform:
            return []
        platforms = [option for tag in _MANYLINUX for option in ("--platform", f"{tag}_{self.platform}")]
        return [*platforms, "--python-version", self.python_version, "--implementation", "cp"]


def lambda_target() -> Target:
    """The template's runtime and architecture (its Globals), as pip's options."""
    function = load_template()["Globals"]["Function"]
    (architecture,) = function["Architectures"]
    return Target(python_version=function["Runtime"].removeprefix("python"), platform=_WHEEL_PLATFORMS[architecture])


HERE = Target(python_version=f"{sys.version_info.major}.{sys.version_info.minor}")


@dataclass(frozen=True)
class Contents:
    """What one zip holds beyond code: requirement names (functions/requirements.txt's)."""

    name: str
    requirements: tuple[str, ...]
    without_dependencies: tuple[str, ...] = ()
    budget_mb: float = 15
    handler: str = ""  # functions only: the template's Handler


@dataclass(frozen=True)
class Manifest:
    runtime_provided: tuple[str, ...]
    layer: Contents
    functions: dict[str, Contents]

    @property
    def budget_mb(self) -> float:
        return self.layer.budget_mb


def load_manifest(path: Path = MANIFEST_PATH, template_path: Path = TEMPLATE_PATH) -> Manifest:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    budget = float(raw["budget_mb"])
    handlers = {
        name: resource["Properties"]["Handler"]
        for name, resource in load_template(template_path)["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    functions = {
        name: Contents(
            name=name,
            requirements=tuple(entry.get("requirements", ())),
            without_dependencies=tuple(entry.get("without_dependencies", ())),
            budget_mb=float(entry.get("budget_mb", budget)),
            handler=handlers.get(name, ""),
        )
        for name, entry in raw["functions"].items()
    }
    layer = Contents(name=raw["layer"]["name"], requirements=tuple(raw["layer"]["requirements"]), budget_mb=budget)
    return Manifest(runtime_provided=tuple(raw["runtime_provided"]), layer=layer, functions=functions)


def pinned_requirements(path: Path = REQUIREMENTS_PATH) -> dict[str, str]:
    """Normalized name → the requirement line (with its extras and pin)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    pins = {}
    for line in filter(None, lines):
        name = re.split(r"[\[=<>!~;\s]", line, maxsplit=1)[0]
        pins[normalized(name)] = line
    return pins


def zip_path(name: str, out: Path = BUILD) -> Path:
    """Where a package's zip is written (the template's CodeUri and ContentUri name these)."""
    folder = "layers" if name.endswith("Layer") else "functions"
    return out / folder / f"{name}.zip"


@dataclass(frozen=True)
class Package:
    name: str
    directory: Path  # the unzipped tree (the layer's has python/ at its root)
    zip: Path
    budget_mb: float
    zipped_bytes: int = 0
    unzipped_bytes: int = 0
    problems: list[str] = field(default_factory=list)


def _pip_install(requirements: Iterable[str], into: Path, target: Target, with_dependencies: bool = True) -> None:
    requirements = list(requirements)
    if not requirements:
        return
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
        "--only-binary=:all:", "--upgrade", "--target", str(into), "--constraint", str(LOCK_PATH),
        *target.pip_options(), *([] if with_dependencies else ["--no-deps"]), *requirements,
    ]  # fmt: skip
    # this interpreter's pip with the manifest's pinned requirements: nothing from outside
    subprocess.run(command, check=True, env=os.environ | {"PIP_NO_WARN_SCRIPT_LOCATION": "1"})  # noqa: S603 # nosec B603


def _remove_distributions(site: Path, names: Iterable[str]) -> None:
    """Take installed distributions out of a --target tree, by their RECORD."""
    wanted = {normalized(n) for n in names}
    for info in site.glob("*.dist-info"):
        if normalized(info.name.removesuffix(".dist-info").rsplit("-", 1)[0]) not in wanted:
            continue
        for line in (info / "RECORD").read_text(encoding="utf-8").splitlines():
            path = (site / line.rsplit(",", 2)[0]).resolve()
            if path.is_relative_to(site.resolve()) and path.is_file():
                path.unlink()
        shutil.rmtree(info, ignore_errors=True)
    for folder in sorted((p for p in site.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def _tidy(site: Path) -> None:
    """No command-line scripts, no bytecode compiled for the building interpreter."""
    shutil.rmtree(site / "bin", ignore_errors=True)
    for cache in list(site.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)


def install_requirements(contents: Contents, site: Path, target: Target, manifest: Manifest) -> None:
    pins = pinned_requirements()
    missing = [name for name in contents.requirements if normalized(name) not in pins]
    if missing:
        raise LookupError(f"{contents.name}: {missing} not pinned in {REQUIREMENTS_PATH.relative_to(ROOT)}")
    alone = {normalized(n) for n in contents.without_dependencies}
    lines = [pins[normalized(n)] for n in contents.requirements if normalized(n) not in alone]
    _pip_install(lines, site, target)
    _pip_install([pins[n] for n in sorted(alone)], site, target, with_dependencies=False)
    _remove_distributions(site, manifest.runtime_provided)
    _tidy(site)


def install_runtime_stand_in(site: Path, target: Target = HERE) -> None:
    """What the Lambda runtime provides (boto3 and its requirements), for tests
    that import a package outside Lambda."""
    _pip_install(["boto3"], site, target)
    _tidy(site)


def _write_zip(directory: Path, destination: Path) -> int:
    """A reproducible zip of ``directory``; returns the unzipped size."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(directory).as_posix(), date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            mode = stat.S_IMODE(path.stat().st_mode) | 0o444
            entry.external_attr = (stat.S_IFREG | mode) << 16
            data = path.read_bytes()
            total += len(data)
            archive.writestr(entry, data, compresslevel=9)
    return total


def _finish(name: str, directory: Path, destination: Path, budget_mb: float) -> Package:
    unzipped = _write_zip(directory, destination)
    zipped = destination.stat().st_size
    problems = []
    if zipped > budget_mb * MB:
        problems.append(f"{name}: {zipped / MB:.1f} MB zipped, budget {budget_mb:g} MB")
    return Package(name, directory, destination, budget_mb, zipped, unzipped, problems)


def build_layer(manifest: Manifest, target: Target, out: Path) -> Package:
    directory = out / "stage" / manifest.layer.name
    shutil.rmtree(directory, ignore_errors=True)
    # Lambda puts a layer's python/ folder on sys.path (/opt/python).
    install_requirements(manifest.layer, directory / "python", target, manifest)
    return _finish(manifest.layer.name, directory, zip_path(manifest.layer.name, out), manifest.layer.budget_mb)


def build_function(contents: Contents, manifest: Manifest, target: Target, out: Path) -> Package:
    directory = out / "stage" / contents.name
    shutil.rmtree(directory, ignore_errors=True)
    install_requirements(contents, directory, target, manifest)
    for folder in (contents.handler.split(".", 1)[0], DOMAIN_PACKAGE):
        shutil.copytree(FUNCTIONS / folder, directory / folder, ignore=_SKIPPED)
    return _finish(contents.name, directory, zip_path(contents.name, out), contents.budget_mb)


def build(target: Target, out: Path = BUILD, manifest: Manifest | None = None) -> list[Package]:
    """Every package: the layer first, then each function of the manifest."""
    manifest = manifest or load_manifest()
    for folder in ("stage", "functions", "layers"):  # no zip left from a package the manifest dropped
        shutil.rmtree(out / folder, ignore_errors=True)
    layer = build_layer(manifest, target, out)
    packages = [layer]
    for contents in manifest.functions.values():
        package = build_function(contents, manifest, target, out)
        if package.unzipped_bytes + layer.unzipped_bytes > UNZIPPED_LIMIT_BYTES:
            package.problems.append(f"{package.name}: with the layer over Lambda's 250 MB unzipped")
        packages.append(package)
    return packages


def report(packages: list[Package]) -> str:
    lines = [f"  {'package':<30}{'zipped':>12}{'unzipped':>12}{'budget':>10}"]
    for package in packages:
        where = package.zip.relative_to(ROOT) if package.zip.is_relative_to(ROOT) else package.zip
        lines.append(
            f"  {package.name:<30}{package.zipped_bytes / MB:>9.2f} MB{package.unzipped_bytes / MB:>9.2f} MB"
            f"{package.budget_mb:>7g} MB   {where}"
        )
    return "\n".join(lines)


def largest_zip_mb(out: Path = BUILD) -> float:
    """The largest zip ``make package`` wrote (``make bench``'s deploy.largest_zip_mb)."""
    sizes = [path.stat().st_size for path in out.glob("*/*.zip")]
    if not sizes:
        raise FileNotFoundError(f"no packages under {out}: run `make package`")
    return round(max(sizes) / MB, 2)


def main(here: bool = False, out: Path = BUILD) -> int:
    target = HERE if here else lambda_target()
    print(f"Paquetes / Packages for Python {target.python_version} {target.platform or '(this machine)'} → {out}")
    packages = build(target, out)
    print(report(packages))
    problems = [problem for package in packages for problem in package.problems]
    for problem in problems:
        print(f"  OVER BUDGET / SOBRE EL LÍMITE: {problem}", file=sys.stderr)
    return 1 if problems else 0
