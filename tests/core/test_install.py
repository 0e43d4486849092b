"""The lock file (requirements/constraints.txt) is what a newcomer installs: it must pin every
package the project asks for, within the ranges pyproject.toml allows, and .ci/run must run
the README's own commands."""

from __future__ import annotations

import re
import subprocess
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from tests.support import ROOT

LOCK = ROOT / "requirements" / "constraints.txt"


def locked_versions() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^ ;]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def direct_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs.extend(extra)
    return [Requirement(spec) for spec in specs]


def test_every_direct_dependency_is_locked_within_its_range():
    pins = locked_versions()
    problems = []
    for requirement in direct_requirements():
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement.name} is not in the lock")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{requirement.name}=={pins[name]} is outside {requirement.specifier}")
    assert not problems, "regenerate the lock (docs/development.md, 'Upgrading dependencies'): " + "; ".join(problems)


def test_every_direct_dependency_has_an_upper_bound():
    """A new major release must be a deliberate upgrade, not what pip happens to pick."""
    unbounded = [str(r) for r in direct_requirements() if not any(s.operator in {"<", "<=", "==", "~="} for s in r.specifier)]
    assert not unbounded, unbounded


def test_installed_versions_are_the_locked_ones():
    """The environment running this suite was installed with the lock (as the README says)."""
    from importlib.metadata import PackageNotFoundError, version

    pins = locked_versions()
    drift = []
    for requirement in direct_requirements():
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            continue  # an extra this environment did not install (e.g. bench)
        if installed != pins[canonicalize_name(requirement.name)]:
            drift.append(f"{requirement.name} {installed} (lock: {pins[canonicalize_name(requirement.name)]})")
    assert not drift, "installed without the lock? " + "; ".join(drift)


def test_ci_reads_the_readme_commands():
    """.ci/run extracts the lines marked '# install' and '# test' from the README."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "readme_command install" in script and "readme_command test" in script
    pattern = re.compile(r"^(python3 -m .*[^ ]) *# (install|test)$", re.MULTILINE)
    found = {kind: cmd for cmd, kind in pattern.findall(readme)}
    assert found["install"].startswith("python3 -m pip install -c requirements/constraints.txt")
    assert found["test"] == "python3 -m pytest"
    extracted = subprocess.run(
        ["bash", "-c", 'cd "$1" && sed -n "s/^\\(python3 -m .*[^ ]\\) *# install\\$/\\1/p" README.md | head -n 1', "_", str(ROOT)],
        capture_output=True, text=True, check=True).stdout.strip()
    assert extracted == found["install"]


def test_ci_runs_the_readme_main_job_before_the_tests():
    """.ci/run starts the README's run command (as a newcomer does before testing) and
    waits for an answer, so the tests also pass with the store that command builds."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assignment = re.search(r"^run_cmd=\$\((.*)\)$", script, re.MULTILINE)
    assert assignment, ".ci/run no longer reads the README's run command"
    assert script.index("run_cmd=") < script.index('eval "$test_cmd"')
    extracted = subprocess.run(["bash", "-c", f'cd "$1" && {assignment.group(1)}', "_", str(ROOT)],
                               capture_output=True, text=True, check=True).stdout.strip()
    assert extracted == "beleidsgraaf serve"
