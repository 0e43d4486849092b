"""A private Virtuoso Open Source for the tests: its own database in a temporary folder,
its own virtuoso.ini, both ports on 127.0.0.1 (free ones), file access limited to that
folder, no outbound access (the sponger role is not granted), stopped at the end."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from beleidsgraaf.processes import free_port, stop_process, wait_until_ready

LOADER_USER = "beleidsgraaf"
LOADER_PASSWORD = "test-only-password"
STARTUP_TIMEOUT = 90.0

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
AllowOSCalls = 0
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
; The shipped data fits easily; the default of 10000 rows would cut dumps off.
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
; No MaxQueryCostEstimationTime: Virtuoso's estimate for the paged canned queries runs to
; thousands of seconds on a graph it answers in milliseconds, and it would refuse them.
"""

# A loader account that may write through SPARQL Update and the Graph Store Protocol.
GRANTS = f"""
DB.DBA.USER_CREATE('{LOADER_USER}', '{LOADER_PASSWORD}');
GRANT SPARQL_UPDATE TO "{LOADER_USER}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{LOADER_USER}', 3);
"""


def virtuoso_binaries() -> tuple[str, str] | None:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, isql) if server and isql else None


@dataclass
class VirtuosoServer:
    folder: Path
    process: subprocess.Popen
    http_port: int
    sql_port: int
    started_in: float = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    def loader_environment(self) -> dict[str, str]:
        return {
            "BELEIDSGRAAF_REMOTE_UPDATE_URL": self.base + "/sparql-auth",
            "BELEIDSGRAAF_REMOTE_GSP_URL": self.base + "/sparql-graph-crud-auth",
            "BELEIDSGRAAF_REMOTE_USER": LOADER_USER,
            "BELEIDSGRAAF_REMOTE_PASSWORD": LOADER_PASSWORD,
        }

    def log_tail(self, lines: int = 20) -> str:
        log = self.folder / "virtuoso.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"

    def stop(self) -> None:
        stop_process(self.process, timeout_s=20)  # Virtuoso checkpoints and exits on SIGTERM


def start_virtuoso(folder: Path) -> VirtuosoServer:
    server_binary, isql = virtuoso_binaries()
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(dir=folder, http_port=http_port, sql_port=sql_port))
    started = time.perf_counter()
    process = subprocess.Popen([server_binary, "-f", "-c", str(ini)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = VirtuosoServer(folder, process, http_port, sql_port)
    try:
        _wait_until_ready(server)
        subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={GRANTS}"], check=True,
                       capture_output=True, timeout=60)
    except BaseException:
        server.stop()
        raise
    server.started_in = time.perf_counter() - started
    return server


def _wait_until_ready(server: VirtuosoServer) -> None:
    def answers() -> bool:
        try:
            return httpx.post(server.query_url, data={"query": "ASK {}"}, timeout=2,
                              headers={"Accept": "application/sparql-results+json"}).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until_ready(answers, deadline_s=STARTUP_TIMEOUT, what="virtuoso-t", process=server.process,
                     interval_s=0.1, explain=server.log_tail)
