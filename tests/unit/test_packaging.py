"""The packager's own rules, without pip: the target comes from the template, the
zips are reproducible, budgets are enforced, runtime-provided packages come out."""

import os
import tomllib
import zipfile
from pathlib import Path

from local import packaging
from local.deployment import remember_console_url
from local.provision import load_template


def test_packages_are_built_for_the_templates_runtime_and_architecture() -> None:
    function = load_template()["Globals"]["Function"]
    options = packaging.lambda_target().pip_options()
    assert function["Runtime"] == "python3.12"
    assert function["Architectures"] == ["arm64"]
    assert options[options.index("--python-version") + 1] == "3.12"
    platforms = {options[i + 1] for i, option in enumerate(options) if option == "--platform"}
    assert "manylinux2014_aarch64" in platforms
    assert all(p.endswith("_aarch64") for p in platforms)
    assert packaging.HERE.pip_options() == []


def test_requirement_lines_keep_their_extras_and_pins() -> None:
    pins = packaging.pinned_requirements()
    assert pins["pyjwt"].startswith("pyjwt[crypto]==")
    assert pins["aws-lambda-powertools"].startswith("aws-lambda-powertools[tracer]==")
    assert "phonenumbers" not in pins  # the lite distribution: same module, no geocoder data
    assert pins["phonenumberslite"].startswith("phonenumberslite==")


def test_the_same_tree_zips_to_the_same_bytes(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "__init__.py").write_text("x = 1\n")
    (tree / "top.py").write_text("import pkg\n")
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    packaging._write_zip(tree, first)
    os.utime(tree / "top.py", (1_000_000_000, 1_000_000_000))
    packaging._write_zip(tree, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["pkg/__init__.py", "top.py"]


def test_a_zip_over_its_budget_is_reported(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "data.bin").write_bytes(os.urandom(64 * 1024))
    over = packaging._finish("Big", tree, tmp_path / "big.zip", budget_mb=0.01)
    within = packaging._finish("Small", tree, tmp_path / "small.zip", budget_mb=1)
    assert over.problems and "Big" in over.problems[0]
    assert within.problems == []
    assert within.unzipped_bytes == 64 * 1024


def test_runtime_provided_distributions_are_taken_out_by_their_record(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name, module in (("botocore", "botocore"), ("pydantic", "pydantic")):
        (site / module).mkdir(parents=True)
        (site / module / "__init__.py").write_text("")
        info = site / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "RECORD").write_text(f"{module}/__init__.py,,\n{info.name}/RECORD,,\n")
    packaging._remove_distributions(site, ["botocore"])
    assert sorted(p.name for p in site.iterdir()) == ["pydantic", "pydantic-1.0.dist-info"]


def test_the_console_url_joins_the_stages_parameters_once(tmp_path: Path) -> None:
    config = tmp_path / "samconfig.toml"
    config.write_text(
        'version = 0.1\n\n[prod.deploy.parameters]\nstack_name = "atiende-prod"\n'
        'parameter_overrides = "Stage=\\"prod\\" SupportAddress=\\"ayuda@tienda.example\\""\n\n'
        '[prod.delete.parameters]\nstack_name = "atiende-prod"\n'
    )
    remember_console_url(config, "prod", "https://d1.cloudfront.net")
    remember_console_url(config, "prod", "https://d2.cloudfront.net")  # a second time replaces it
    remember_console_url(config, "qa", "https://d3.cloudfront.net")  # a stage with no section yet
    saved = tomllib.loads(config.read_text())
    assert saved["prod"]["deploy"]["parameters"]["parameter_overrides"] == (
        'Stage="prod" SupportAddress="ayuda@tienda.example" ConsoleUrl="https://d2.cloudfront.net"'
    )
    assert saved["prod"]["delete"]["parameters"]["stack_name"] == "atiende-prod"
    assert saved["qa"]["deploy"]["parameters"]["parameter_overrides"] == 'ConsoleUrl="https://d3.cloudfront.net"'
