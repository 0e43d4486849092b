"""The one settings object: every BELEIDSGRAAF_* variable is read in one place
(beleidsgraaf/settings.py), a bad value stops every command with one line naming it (exit
2), worker processes get their settings from the server, and docs/settings.md is the
table generated from the descriptions."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from beleidsgraaf.settings import (ENV_PREFIX, Settings, SettingsError, ShaclEngine, env_name, load_settings,
                                   markdown_table)

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("beleidsgraaf", "api", "bench")
SETTINGS_MODULE = ROOT / "beleidsgraaf" / "settings.py"

BAD_VALUES = [
    ("BELEIDSGRAAF_QUERY_WORKERS", "zero"),
    ("BELEIDSGRAAF_QUERY_WORKERS", "-1"),
    ("BELEIDSGRAAF_QUERY_WORKERS", "0"),
    ("BELEIDSGRAAF_QUERY_TIMEOUT", "ten"),
    ("BELEIDSGRAAF_QUEUE_WAIT", "inf"),
    ("BELEIDSGRAAF_QUERY_CACHE_MB", "-1"),
    ("BELEIDSGRAAF_QUERY_CACHE_MB", "nan"),
    ("BELEIDSGRAAF_MAX_RESULT_ROWS", "1.5"),
    ("BELEIDSGRAAF_MAX_ADHOC_QUERIES", "none"),
    ("BELEIDSGRAAF_MAX_UPLOAD_BYTES", "5MB"),
    ("BELEIDSGRAAF_SHACL_ENGINE", "jena"),
    ("BELEIDSGRAAF_ALLOW_SERVICE", "maybe"),
    ("BELEIDSGRAAF_REMOTE_UPDATE_URL", "localhost:8890/sparql"),
    ("BELEIDSGRAAF_REMOTE_GSP_URL", "ftp://example.org/gsp"),
    ("BELEIDSGRAAF_STORE", "ftp://example.org/store"),
    ("BELEIDSGRAAF_BASE", "https://example.org/no-slash"),
]


# -- reading ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, value", BAD_VALUES)
def test_a_bad_value_is_one_line_naming_the_variable_and_what_is_allowed(name, value):
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{name}={value!r} is not allowed: give ")
    assert len(message) > len(f"{name}={value!r} is not allowed: give ") + 5  # says what is allowed


def test_every_bad_variable_is_named_at_once():
    with pytest.raises(SettingsError) as caught:
        load_settings({"BELEIDSGRAAF_QUERY_WORKERS": "0", "BELEIDSGRAAF_SHACL_ENGINE": "jena"})
    assert "BELEIDSGRAAF_QUERY_WORKERS" in str(caught.value) and "BELEIDSGRAAF_SHACL_ENGINE" in str(caught.value)


def test_a_query_cache_of_0_mb_is_allowed():
    assert load_settings({"BELEIDSGRAAF_QUERY_CACHE_MB": "0"}).query_cache_mb == 0
    assert load_settings({}).query_cache_mb == 64


def test_values_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BELEIDSGRAAF_QUERY_WORKERS", "3")
    monkeypatch.setenv("BELEIDSGRAAF_QUEUE_WAIT", "0.25")
    monkeypatch.setenv("BELEIDSGRAAF_SHACL_ENGINE", "pyshacl")
    monkeypatch.setenv("BELEIDSGRAAF_ALLOW_SERVICE", "yes")
    monkeypatch.setenv("BELEIDSGRAAF_PUBLISHED", str(tmp_path))
    monkeypatch.setenv("BELEIDSGRAAF_WRITE_TOKEN", "geheim")
    monkeypatch.setenv("BELEIDSGRAAF_MAX_UPLOAD_BYTES", "")  # empty: unset, the default
    cfg = load_settings()
    assert (cfg.query_workers, cfg.queue_wait, cfg.shacl_engine, cfg.allow_service) == (3, 0.25, ShaclEngine.pyshacl,
                                                                                          True)
    assert cfg.published_dir == tmp_path and cfg.write_token.get_secret_value() == "geheim"
    assert "geheim" not in repr(cfg)  # a secret stays out of logs and tracebacks
    assert cfg.max_upload_bytes == Settings.model_fields["max_upload_bytes"].default


def test_without_installed_settings_a_changed_variable_is_seen_at_once(monkeypatch):
    from beleidsgraaf.settings import current_settings

    monkeypatch.setenv("BELEIDSGRAAF_QUERY_WORKERS", "3")
    first = current_settings()
    assert first.query_workers == 3 and current_settings() is first  # read once while nothing changes
    monkeypatch.setenv("BELEIDSGRAAF_QUERY_WORKERS", "5")
    assert current_settings().query_workers == 5
    monkeypatch.setenv("beleidsgraaf_query_workers", "6")  # the variables' names ignore case
    monkeypatch.delenv("BELEIDSGRAAF_QUERY_WORKERS")
    assert current_settings().query_workers == 6


def test_defaults_derive_from_other_settings(tmp_path):
    cfg = load_settings({"BELEIDSGRAAF_HOME": str(tmp_path), "BELEIDSGRAAF_QUERY_WORKERS": "4"})
    assert cfg.store_dir == tmp_path / "build" / "store" and cfg.published_dir == tmp_path / "published"
    assert cfg.adhoc_query_slots == 3
    assert load_settings({"BELEIDSGRAAF_QUERY_WORKERS": "1"}).adhoc_query_slots == 1


@pytest.mark.parametrize("name, value", [
    ("BELEIDSGRAAF_QUERY_WORKERS", "zero"),
    ("BELEIDSGRAAF_QUERY_WORKERS", "-1"),
    ("BELEIDSGRAAF_SHACL_ENGINE", "jena"),
    ("BELEIDSGRAAF_REMOTE_UPDATE_URL", "not a url"),
])
def test_serve_stops_with_one_line_and_exit_2(name, value, tmp_path):
    """The command is started as an operator starts it; it must stop before it builds or
    serves anything (the store folder stays absent)."""
    store = tmp_path / "store"
    done = subprocess.run(_console_script() + ["serve", "--port", "1", "--store", str(store)],
                          env=_environment(**{name: value}), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and repr(value) in lines[0], done.stderr
    assert "Traceback" not in done.stderr and not store.exists()


@pytest.mark.parametrize("command", [["validate", "data"], ["queries"], ["settings"]])
def test_every_command_stops_on_a_bad_value(command, tmp_path):
    done = subprocess.run(_console_script() + command, env=_environment(BELEIDSGRAAF_QUEUE_WAIT="-5"),
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "BELEIDSGRAAF_QUEUE_WAIT='-5'" in done.stderr


def test_the_cli_shows_the_settings_it_read_without_secrets(tmp_path):
    done = subprocess.run(_console_script() + ["settings"],
                          env=_environment(BELEIDSGRAAF_QUERY_WORKERS="3",
                                           BELEIDSGRAAF_REMOTE_PASSWORD="hunter2"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "BELEIDSGRAAF_QUERY_WORKERS=3\n" in done.stdout and "BELEIDSGRAAF_REMOTE_PASSWORD=**********" in done.stdout
    assert "hunter2" not in done.stdout


def test_the_app_reads_the_environment_when_started_without_the_cli(api_store, monkeypatch):
    from api.app import create_app

    monkeypatch.setenv("BELEIDSGRAAF_MAX_QUERY_BYTES", "2000")
    app = create_app(api_store)
    limits = next(m for m in app.user_middleware if m.cls.__name__ == "BodyLimitMiddleware").kwargs["limits"]
    assert limits["/sparql"].max_bytes == 2000
    monkeypatch.setenv("BELEIDSGRAAF_MAX_QUERY_BYTES", "lots")
    with pytest.raises(SettingsError, match="BELEIDSGRAAF_MAX_QUERY_BYTES='lots'"):
        create_app(api_store)


# -- read in one place ----------------------------------------------------------------------

def test_every_variable_is_read_in_settings_py_only():
    constants = _string_constants()
    offenders = [f"{path.relative_to(ROOT)}:{line}: {text}"
                 for path in _source_files() if path != SETTINGS_MODULE
                 for line, text in environment_reads(path.read_text(encoding="utf-8"), constants)]
    assert offenders == [], "read BELEIDSGRAAF_* through beleidsgraaf.settings, not os.environ:\n" + "\n".join(offenders)


@pytest.mark.parametrize("source", [
    'import os\nx = os.environ.get("BELEIDSGRAAF_STORE")',
    'import os\nx = os.environ["BELEIDSGRAAF_STORE"]',
    'import os\nx = os.getenv("BELEIDSGRAAF_STORE", "")',
    'from os import environ\nNAME = "BELEIDSGRAAF_STORE"\nx = environ.get(NAME)',
    'import os\nx = "BELEIDSGRAAF_STORE" in os.environ',
    'import os\ndef f(environ=os.environ):\n    return environ.get(ENV_TOKEN)',
    'import os\nx = os.environ.get(f"BELEIDSGRAAF_{name}")',
    'def setting(environ, name, default):\n    return environ.get(name, default)',
    'import os\ndef limit(name):\n    return int(os.environ.get(name, "").strip() or 1)',
])
def test_the_read_finder_finds_every_way_of_reading(source):
    assert environment_reads(source, {"ENV_TOKEN": "BELEIDSGRAAF_WRITE_TOKEN"}), source


def test_the_read_finder_lets_other_variables_and_messages_pass():
    source = ('import os\nPATH_VAR = "PYTHONPATH"\nenv = dict(os.environ, PYTHONPATH="x")\n'
              'home = os.environ.get("HOME")\npath = os.environ.get(PATH_VAR)\n'
              'message = "set BELEIDSGRAAF_WRITE_TOKEN"\n')
    assert environment_reads(source, {}) == []


def test_every_variable_the_code_names_is_a_setting():
    """Error messages and docs name variables to set: each must exist."""
    known = {env_name(field) for field in Settings.model_fields}
    named = {match for path in _source_files() for match in re.findall(r"BELEIDSGRAAF_[A-Z0-9_]*[A-Z0-9]",
                                                                        path.read_text(encoding="utf-8"))}
    assert named - known == set()


def test_every_setting_has_a_description():
    assert [f for f, info in Settings.model_fields.items() if not (info.description or "").strip()] == []


# -- worker processes ------------------------------------------------------------------------

def test_worker_processes_get_no_variables_of_ours(monkeypatch):
    from beleidsgraaf.sandbox import child_environment

    monkeypatch.setenv("BELEIDSGRAAF_WRITE_TOKEN", "geheim")
    monkeypatch.setenv("BELEIDSGRAAF_SHACL_ENGINE", "jena")
    monkeypatch.setenv("LANG", "C.UTF-8")
    env = child_environment()
    assert not [name for name in env if name.startswith(ENV_PREFIX)] and env["LANG"] == "C.UTF-8"


def test_the_validation_sandbox_uses_the_servers_settings_not_the_environment(monkeypatch):
    """A bad engine name in the environment cannot reach the child: it validates with the
    settings the server passed (here pyshacl, which reports the same as rudof)."""
    from beleidsgraaf.validation_sandbox import Sandbox, Upload

    monkeypatch.setenv("BELEIDSGRAAF_SHACL_ENGINE", "jena")
    sandbox = Sandbox(settings=load_settings({"BELEIDSGRAAF_SHACL_ENGINE": "pyshacl"}), keep_spare=False)
    turtle = (b"@prefix bg: <https://w3id.org/beleidsgraaf/def#> .\n"
              b"<https://w3id.org/beleidsgraaf/id/actie/x> a bg:Action .\n")
    try:
        report = sandbox.validate(Upload(turtle, "turtle", None, "upload.ttl", False))
    finally:
        sandbox.close()
    assert not report.conforms and report.results


# -- the table ---------------------------------------------------------------------------------

def test_docs_settings_md_is_the_generated_table():
    page = ROOT / "docs" / "settings.md"
    assert page.read_text(encoding="utf-8") == markdown_table(), (
        "docs/settings.md differs from beleidsgraaf/settings.py: run `python -m beleidsgraaf.settings`")


def test_the_table_has_a_row_per_setting():
    rows = [line for line in markdown_table().splitlines() if line.startswith("| `BELEIDSGRAAF_")]
    assert [row.split("`")[1] for row in rows] == [env_name(field) for field in Settings.model_fields]
    assert all(row.count(" | ") == 3 for row in rows)  # four cells: no stray '|' in a description


def test_the_readme_links_the_table_instead_of_keeping_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/settings.md" in readme
    assert not re.search(r"^\|\s*`BELEIDSGRAAF_", readme, re.MULTILINE), "the README keeps a settings table"


# -- helpers -------------------------------------------------------------------------------------

def environment_reads(source: str, constants: dict[str, str]) -> list[tuple[int, str]]:
    """(line, code) for each read of a BELEIDSGRAAF_* environment variable in `source`:
    os.environ[...], .get/.pop/.setdefault on an environ mapping, os.getenv, `... in
    os.environ`, with the name given as text, an f-string or a constant holding it."""
    tree = ast.parse(source)
    constants = {**constants, **_module_constants(tree)}
    found = []
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") and _is_environ(func.value):
                key = node.args[0]
            elif (isinstance(func, ast.Attribute) and func.attr == "getenv") or (
                    isinstance(func, ast.Name) and func.id == "getenv"):
                key = node.args[0]
        elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) \
                and any(_is_environ(c) for c in node.comparators):
            key = node.left
        if key is not None and _names_our_variable(key, constants):
            found.append((node.lineno, ast.get_source_segment(source, node) or ""))
    return found


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id in ("environ", "env"))


def _names_our_variable(node: ast.AST, constants: dict[str, str]) -> bool:
    """Whether the key may be one of ours: it says so, or it is a name whose text cannot be
    known here (a helper's parameter, as in `def setting(environ, name): environ.get(name)`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.startswith(ENV_PREFIX)
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        return not (isinstance(first, ast.Constant) and not str(first.value).startswith(ENV_PREFIX))
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    return name is not None and constants.get(name, ENV_PREFIX).startswith(ENV_PREFIX)


def _string_constants() -> dict[str, str]:
    """NAME = "text" assignments at the top of every source module (constants are imported
    from module to module, so one table for all)."""
    constants = {}
    for path in _source_files():
        constants.update(_module_constants(ast.parse(path.read_text(encoding="utf-8"))))
    return constants


def _module_constants(tree: ast.Module) -> dict[str, str]:
    return {target.id: node.value.value for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def _source_files() -> list[Path]:
    return sorted(p for folder in SOURCE_FOLDERS for p in (ROOT / folder).rglob("*.py"))


def _console_script() -> list[str]:
    exe = shutil.which("beleidsgraaf")
    return [exe] if exe else [sys.executable, "-m", "beleidsgraaf.cli"]


def _environment(**variables: str) -> dict[str, str]:
    import os

    env = {name: value for name, value in os.environ.items() if not name.startswith(ENV_PREFIX)}
    env.update(variables)
    return env
