"""The packages import one another in one direction only, so the folders show the layers:

    data files <- beleidsgraaf (the core) <- api (the service) | bench (the benchmark) <- CLI

- the core (`beleidsgraaf`, but its CLI module) imports neither `api` nor `bench`, and not
  the CLI; the made-up data of `beleidsgraaf.synthetic` is for scale tests and benchmarks,
  so no core module but the CLI imports it either;
- `api` and `bench` are siblings on the core: neither imports the other (the benchmark
  starts the service as a user does, with `beleidsgraaf serve`), nor the CLI;
- the CLI (`beleidsgraaf/cli.py`) is the top layer: it may start the service and the
  benchmark.

Every import counts, also one inside a function (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("beleidsgraaf", "api", "bench")
CLI_MODULES = {"beleidsgraaf.cli"}


@dataclass(frozen=True)
class Rule:
    """Modules whose name starts with `importer` (and are not CLI modules) must not import a
    module whose name starts with any of `forbidden`."""

    importer: str
    forbidden: tuple[str, ...]
    why: str


RULES = (
    Rule("beleidsgraaf", ("api", "bench", "beleidsgraaf.cli"), "the core does not depend on the layers above it"),
    Rule("beleidsgraaf", ("beleidsgraaf.synthetic",), "made-up data is for scale tests and benchmarks only"),
    Rule("api", ("bench", "beleidsgraaf.cli"), "the service does not depend on the benchmark or the CLI"),
    Rule("bench", ("api", "beleidsgraaf.cli"), "the benchmark starts the service as a user does, not by import"),
)


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(root: Path, path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    name = module_name(root, path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from . import x` and `from pkg import submodule` import the submodules too.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_violations(root: Path, packages=PACKAGES, rules=RULES, cli_modules=CLI_MODULES) -> list[str]:
    """One line per import that goes against the layers: file, line, what and why."""
    violations = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            importer = module_name(root, path)
            if importer in cli_modules:
                continue
            for line, imported in imported_modules(root, path):
                for rule in rules:
                    if within(importer, rule.importer) and any(within(imported, f) for f in rule.forbidden):
                        violations.append(f"{path.relative_to(root)}:{line} imports {imported}: {rule.why}")
    return violations


def test_the_packages_import_only_downwards():
    violations = layer_violations(REPO)
    assert not violations, "imports against the layers (see tests/test_layers.py):\n" + "\n".join(violations)


def test_the_cli_is_the_one_core_module_that_starts_the_service_and_the_benchmark():
    imported = {name for _, name in imported_modules(REPO, REPO / "beleidsgraaf" / "cli.py")}
    assert any(within(name, "api") for name in imported)
    assert any(within(name, "bench") for name in imported)


# -- the check itself can fail ------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


BASE = {"beleidsgraaf/__init__.py": "", "beleidsgraaf/backends/__init__.py": "", "api/__init__.py": "",
        "bench/__init__.py": "", "beleidsgraaf/cli.py": "from api.serve import serve\nimport bench.cli\n",
        "api/serve.py": "from beleidsgraaf.backends import open_store\n", "bench/cli.py": "import beleidsgraaf\n"}


@pytest.mark.parametrize("relative, text, expected", [
    ("beleidsgraaf/pipeline.py", "def serve():\n    from api.app import create_app\n",
     "beleidsgraaf/pipeline.py:2 imports api.app.create_app"),
    ("beleidsgraaf/backends/pooled.py", "from ...bench import measure\n",
     "beleidsgraaf/backends/pooled.py:1 imports bench.measure"),
    ("beleidsgraaf/store.py", "from .synthetic.synth import generate\n",
     "beleidsgraaf/store.py:1 imports beleidsgraaf.synthetic.synth.generate"),
    ("beleidsgraaf/backends/x.py", "from .. import cli\n", "beleidsgraaf/backends/x.py:1 imports beleidsgraaf.cli"),
    ("api/sparql.py", "import bench.workload\n", "api/sparql.py:1 imports bench.workload"),
    ("bench/inprocess.py", "from api.service import Service\n", "bench/inprocess.py:1 imports api.service.Service"),
])
def test_an_import_against_the_layers_is_named(tmp_path, relative, text, expected):
    root = _tree(tmp_path, {**BASE, relative: text})
    violations = layer_violations(root)
    assert len(violations) == 1 and violations[0].startswith(expected), violations


def test_imports_along_the_layers_pass(tmp_path):
    root = _tree(tmp_path, {**BASE, "beleidsgraaf/pipeline.py": "from .backends import open_store\nimport rdflib\n",
                            "api/app.py": "from beleidsgraaf.pipeline import build\nfrom . import serve\n",
                            "bench/run.py": "from beleidsgraaf.synthetic.synth import generate\n"})
    assert layer_violations(root) == []
