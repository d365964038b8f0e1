"""`make package`'s packages, built for this machine from the same requirement
sets (functions/packages.toml): every handler imports from its own package and
the shared layer alone, with only boto3 beside them as Lambda's runtime provides
it; each function carries what its code imports, and no more.

"What its code imports" is read from the source, following our own imports from
the handler's module (those inside functions too: PyJWT and charset-normalizer
load on first use, never at import), so a lazily imported requirement missing
from a package fails here, not at its first request in AWS.
"""

import ast
import json
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import distributions
from pathlib import Path
from typing import Any

import pytest

from local import packaging
from local.provision import ROOT, load_template

FUNCTIONS = ROOT / "functions"
OUR_PACKAGES = {p.name for p in FUNCTIONS.iterdir() if (p / "__init__.py").exists()}
STANDARD_LIBRARY = set(sys.stdlib_module_names)

pytestmark = pytest.mark.slow  # builds nine packages with pip (about a minute with its wheel cache)


@dataclass(frozen=True)
class Built:
    manifest: packaging.Manifest
    packages: dict[str, packaging.Package]
    runtime: Path

    def path_of(self, function: str) -> list[Path]:
        layer = self.packages[self.manifest.layer.name].directory / "python"
        return [self.packages[function].directory, layer, self.runtime]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("packages")
    manifest = packaging.load_manifest()
    packages = {p.name: p for p in packaging.build(packaging.HERE, out, manifest)}
    runtime = out / "runtime"
    packaging.install_runtime_stand_in(runtime)
    return Built(manifest, packages, runtime)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Absolute names of every import in a module, outside ``if TYPE_CHECKING:``."""
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node)
               for child in node.body for n in ast.walk(child)}  # fmt: skip
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*parts, base] if base else parts)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _source(module: str) -> tuple[Path, bool] | None:
    path = FUNCTIONS.joinpath(*module.split("."))
    if (path / "__init__.py").exists():
        return path / "__init__.py", True
    if path.with_suffix(".py").exists():
        return path.with_suffix(".py"), False
    return None


def outside_imports(handler_module: str) -> set[str]:
    """Top-level names of the libraries a handler's code imports, following our own modules."""
    seen: set[str] = set()
    waiting = [handler_module]
    found: set[str] = set()
    while waiting:
        module = waiting.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        waiting.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parents run first
        source = _source(module)
        if source is None:
            continue
        path, is_package = source
        for name in _imports(ast.parse(path.read_text(encoding="utf-8")), module, is_package):
            top = name.split(".")[0]
            if top in OUR_PACKAGES:
                waiting.append(name)
            elif top and top not in STANDARD_LIBRARY:
                found.add(top)
    return found


def top_level_modules(site: Path) -> dict[str, set[str]]:
    """Normalized distribution name → the top-level modules it installed in ``site``."""
    provided = {}
    for dist in distributions(path=[str(site)]):
        names = {Path(f).parts[0].removesuffix(".py") for f in dist.files or [] if not str(f).startswith("..")}
        names = {n.split(".")[0] for n in names if not n.endswith((".dist-info", "__pycache__"))}
        provided[packaging.normalized(dist.metadata["Name"])] = names
    return provided


def handlers() -> dict[str, str]:
    resources = load_template()["Resources"]
    return {n: r["Properties"]["Handler"] for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}


def _environment() -> dict[str, str]:
    """The template's plain global variables, as Lambda sets them (no AWS is called at import)."""
    variables: dict[str, Any] = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    plain = {k: v for k, v in variables.items() if isinstance(v, str)}
    return plain | {
        "TABLE_NAME": "atiende-test-helpdesk", "SUPPORT_ADDRESS": "soporte@example.com",
        "RAW_MAIL_BUCKET": "raw", "ATTACHMENTS_BUCKET": "files", "OUTBOUND_QUEUE_URL": "http://127.0.0.1:9/q",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin",
    }  # fmt: skip


# Runs in the clean interpreter: imports the handler, checks every loaded module
# came from the package, the layer, boto3's folder or the standard library, and
# that each library the code imports later (lazily) is there to be found.
PROBE = """
import importlib, importlib.util, json, sys
allowed, stdlib, module, attribute, lazy = json.loads(sys.argv[1])
sys.path[:0] = allowed
handler = getattr(importlib.import_module(module), attribute)
strays = sorted(
    name for name, m in list(sys.modules.items())
    if getattr(m, "__file__", None) and not m.__file__.startswith(tuple(allowed + stdlib))
)
missing = sorted(name for name in lazy if importlib.util.find_spec(name) is None)
print(json.dumps({"callable": callable(handler), "strays": strays, "missing": missing}))
"""


@pytest.mark.parametrize("function", sorted(handlers()))
def test_each_handler_imports_from_its_own_package_and_the_layer_alone(built: Built, function: str) -> None:
    module, attribute = handlers()[function].rsplit(".", 1)
    paths = sysconfig.get_paths()
    stdlib = sorted({paths["stdlib"], paths["platstdlib"]})
    allowed = [str(p) for p in built.path_of(function)]
    argument = json.dumps([allowed, stdlib, module, attribute, sorted(outside_imports(module))])
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", PROBE, argument],
        env=_environment(),
        capture_output=True,
        text=True,
        cwd="/",
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"callable": True, "strays": [], "missing": []}


def test_each_function_carries_only_requirements_its_code_imports(built: Built) -> None:
    imported = {name: outside_imports(h.rsplit(".", 1)[0]) for name, h in handlers().items()}
    layer_site = built.packages[built.manifest.layer.name].directory / "python"
    layer_modules = top_level_modules(layer_site)
    for name, contents in built.manifest.functions.items():
        own = top_level_modules(built.packages[name].directory)
        for requirement in contents.requirements:
            modules = own[packaging.normalized(requirement)]
            users = {f for f, names in imported.items() if modules & names}
            assert users == {name}, f"{requirement}: imported by {sorted(users)}, packaged with {name} only"
    for requirement in built.manifest.layer.requirements:
        modules = layer_modules[packaging.normalized(requirement)]
        users = {f for f, names in imported.items() if modules & names}
        assert len(users) >= 2, f"{requirement} in the shared layer, imported by {sorted(users)}"


def test_no_package_carries_pip_setuptools_the_sdk_or_command_line_tools(built: Built) -> None:
    unwanted = {"pip", "setuptools", "wheel", "click", "inquirer", "blessed", "editor", "wcwidth", "pyyaml"}
    unwanted |= {packaging.normalized(n) for n in built.manifest.runtime_provided}
    for package in built.packages.values():
        site = package.directory / "python" if package.name == built.manifest.layer.name else package.directory
        assert not set(top_level_modules(site)) & unwanted, package.name
        with zipfile.ZipFile(package.zip) as archive:
            names = archive.namelist()
        compiled_or_scripts = [n for n in names if n.endswith(".pyc") or n.startswith(("bin/", "python/bin/"))]
        assert compiled_or_scripts == [], package.name


def test_every_package_is_a_zip_within_its_budget(built: Built) -> None:
    for package in built.packages.values():
        assert package.zip.exists()
        assert package.zipped_bytes <= package.budget_mb * packaging.MB, package.name
        assert package.problems == []
    assert built.packages["WhatsAppWebhookFunction"].budget_mb == 5
