"""(j) Lambda package sizes: every zip `make package` wrote under build/ (the
functions' and the shared layer's), against their budgets (functions/packages.toml).
``make bench`` runs `make package` first; the largest zip goes to results.json
as ``deploy.largest_zip_mb``."""

from local.packaging import BUILD, MB, largest_zip_mb, load_manifest, zip_path


def run() -> dict[str, tuple[float, float]]:
    """Package name → (zipped MB, budget MB)."""
    manifest = load_manifest()
    budgets = {manifest.layer.name: manifest.layer.budget_mb}
    budgets |= {name: contents.budget_mb for name, contents in manifest.functions.items()}
    return {name: (zip_path(name, BUILD).stat().st_size / MB, budget) for name, budget in budgets.items()}


def figures() -> dict[str, float]:
    return {"deploy.largest_zip_mb": largest_zip_mb(BUILD)}
