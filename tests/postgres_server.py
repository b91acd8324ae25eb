"""A throw-away PostgreSQL cluster for tests and the demo (issue 13): Debian's `postgresql` binaries,
`initdb` + `pg_ctl` in a folder of its own, listening only on a Unix socket in that folder, so
that clusters of several worktrees never meet on a port. As root (CI) the server runs as the
`postgres` user that Debian's package creates: PostgreSQL refuses to run as root.

    python -m tests.postgres_server start [DIR]   # idempotent; prints the connection URL
    python -m tests.postgres_server stop [DIR]    # stops the server and deletes DIR
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

PORT = 5432                 # only names the socket file (.s.PGSQL.5432): no TCP listener
DATABASE = "chaxin"
SUPERUSER = "postgres"
SERVER_USER = "postgres"    # who runs the server when we are root


class PostgresMissing(RuntimeError):
    """PostgreSQL's server binaries are not installed; the message says how to install them."""


def default_dir() -> Path:
    """One cluster per checkout, under /tmp (short enough for a socket path, readable by the
    postgres user, whom a 0700 pytest folder under root's tmp would shut out)."""
    checkout = hashlib.sha256(str(Path(__file__).resolve().parents[1]).encode()).hexdigest()[:8]
    return Path(f"/tmp/chaxin-postgres-{os.getuid()}-{checkout}")


def bin_dir() -> Path:
    """Debian keeps the server programs out of PATH, in /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if not versions:
        raise PostgresMissing("PostgreSQL is not installed: run `make postgres` (apt-get install postgresql)")
    return versions[-1].parent


def url(root: Path) -> str:
    return f"postgresql://{SUPERUSER}@/{DATABASE}?host={root / 'socket'}&port={PORT}"


def _as_server_user(root: Path) -> list[str]:
    if os.getuid() != 0:
        return []
    shutil.chown(root, SERVER_USER, SERVER_USER)
    return ["runuser", "-u", SERVER_USER, "--"]


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def is_running(root: Path) -> bool:
    data = root / "data"
    if not (data / "PG_VERSION").exists():
        return False
    status = subprocess.run([*_as_server_user(root), str(bin_dir() / "pg_ctl"), "status", "-D", str(data)],
                            capture_output=True, text=True)
    return status.returncode == 0


def start(root: Path | None = None) -> str:
    """Initialise (once) and start (unless running) the cluster in root; its connection URL."""
    root = (root or default_dir()).absolute()
    bin_path = bin_dir()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    runner = _as_server_user(root)
    data, socket, log = root / "data", root / "socket", root / "server.log"
    if not (data / "PG_VERSION").exists():
        shutil.rmtree(data, ignore_errors=True)       # a half-made cluster from an interrupted start
        # C collation and UTF-8: text sorts by code point, as in DuckDB; normalize() needs UTF-8
        _run([*runner, str(bin_path / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
              "-E", "UTF8", "--locale=C", "--no-sync"])
    if not is_running(root):
        socket.mkdir(exist_ok=True)
        if runner:
            shutil.chown(socket, SERVER_USER, SERVER_USER)
        # durability off: the cluster is thrown away, and tests kill clients, not the server
        options = (f"-k {socket} -p {PORT} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        _run([*runner, str(bin_path / "pg_ctl"), "start", "-w", "-D", str(data), "-l", str(log), "-o", options])
    psql = [str(bin_path / "psql"), "-h", str(socket), "-p", str(PORT), "-U", SUPERUSER, "-d", "postgres",
            "-tAc"]
    exists = _run([*psql, f"select 1 from pg_database where datname = '{DATABASE}'"]).stdout.strip()
    if not exists:
        _run([*psql, f"create database {DATABASE}"])
    return url(root)


def fresh_database(server_url: str, name: str) -> str:
    """An empty database on the server, its URL: a test that needs one starts from nothing."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f"drop database if exists {name} with (force)")
        con.execute(f"create database {name}")
    return make_conninfo(server_url, dbname=name)


def copy_database(source_url: str, name: str) -> str:
    """A new database on the server holding what the database at source_url holds (CREATE DATABASE
    ... TEMPLATE, a file copy), its URL: a test changes a copy of a shared build instead of building."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    source = conninfo_to_dict(source_url)["dbname"]
    with psycopg.connect(make_conninfo(source_url, dbname="postgres"), autocommit=True) as con:
        con.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        con.execute(sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(source)))
    return make_conninfo(source_url, dbname=name)


def stop(root: Path | None = None) -> None:
    """Stop the server (fast shutdown: clients are disconnected) and delete its folder."""
    root = (root or default_dir()).absolute()
    if is_running(root):
        _run([*_as_server_user(root), str(bin_dir() / "pg_ctl"), "stop", "-w", "-m", "fast",
              "-D", str(root / "data")])
    shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.postgres_server", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("dir", nargs="?", type=Path, help=f"the cluster's folder (default {default_dir()})")
    args = parser.parse_args(argv)
    try:
        if args.action == "start":
            print(start(args.dir))
        else:
            stop(args.dir)
    except PostgresMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as e:
        print(f"error: {' '.join(e.cmd[:3])} failed: {(e.stderr or e.stdout).strip()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
