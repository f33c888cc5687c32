"""The ``kiezgraph`` command: serve, migrate, seed, and manage the demo network.

Without ``NEO4J_URI`` every command uses the local Neo4j: an already running one (started by
``kiezgraph serve``) is reused, otherwise it is started for the command and stopped after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from typing import Final, TypeVar

import uvicorn

from graph import audit, changes, migrations, quarters, tokens
from graph.db import Database, Neo4jSettings, Transaction
from kiezgraph import import_command
from kiezgraph.app import create_app
from kiezgraph.local_neo4j import LocalNeo4j, LocalNeo4jError
from kiezgraph.settings import Settings, SettingsError, help_epilog, markdown_table
from schema import export_sdl
from seeds import load

log = logging.getLogger("kiezgraph")
T = TypeVar("T")


@contextlib.contextmanager
def neo4j_for(settings: Settings) -> Iterator[Neo4jSettings]:
    """Connection settings for the configured Neo4j, starting the local one if need be."""
    if settings.neo4j_uri is not None:
        assert settings.neo4j_password is not None
        yield Neo4jSettings(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password,
            settings.neo4j_database,
            query_timeout=settings.query_timeout,
        )
        return
    local = LocalNeo4j(
        settings.local_neo4j_home,
        port=settings.local_neo4j_port,
        heap=settings.local_neo4j_heap,
        pagecache=settings.local_neo4j_pagecache,
    )
    already_running = (local.home / "neo4j.pid").exists() and _answers(local)
    if not already_running:
        log.info("starting the local Neo4j on %s (data in %s)", local.uri, local.home)
        local.start()
    try:
        yield Neo4jSettings(local.uri, local.user, local.password, "neo4j", query_timeout=settings.query_timeout)
    finally:
        if not already_running:
            log.info("stopping the local Neo4j")
            local.stop()


def _answers(local: LocalNeo4j) -> bool:
    async def probe() -> bool:
        db = Database(Neo4jSettings(local.uri, local.user, local.password))
        try:
            await db.ping(timeout=2.0)
            return True
        except Exception:
            return False
        finally:
            await db.close()

    return asyncio.run(probe())


def _with_db(neo4j: Neo4jSettings, work: Callable[[Database], Awaitable[T]]) -> T:
    async def run() -> T:
        db = Database(neo4j)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(run())


async def prepare(db: Database, demo: bool) -> None:
    """Migrate, load the reference seeds and (optionally) the demo network."""
    applied = await migrations.migrate(db)
    if applied:
        log.info("applied migrations %s", applied)
    await load.load_reference(db)
    if demo:
        summary = await load.load_demo(db)
        log.info("demo network loaded: %d synthetic actors, %d cooperations", summary.actors, summary.cooperations)


def _exit_on_sigterm(signum: int, _: object) -> None:
    # uvicorn re-raises the signal that stopped it; turning SIGTERM into SystemExit lets the
    # `finally` blocks run, so the local Neo4j is stopped in order rather than orphaned.
    raise SystemExit(128 + signum)


# How long uvicorn's supervisor waits for a worker to answer its health check before it kills the
# worker and starts another (uvicorn's default: 5 s). A worker process is spawned: before it can
# answer, it re-imports the program's main module, which for the `kiezgraph` console script is
# this module and with it the whole service — 4–8 s on two loaded cores. At 5 s every worker was
# killed and replaced over and over ("Child process [...] died", no traceback), while
# `python -m kiezgraph` (whose `__main__` spawn does not re-import) and `uvicorn …` (a light main
# module) started fine. A worker that hangs for good is still replaced, a minute later.
WORKER_HEALTHCHECK_SECONDS: Final = 60


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    workers = getattr(args, "workers", 1)
    if workers < 1:
        raise SettingsError("--workers must be at least 1")
    with neo4j_for(settings) as neo4j:
        _with_db(neo4j, lambda db: prepare(db, demo=settings.load_demo))
        _admin_hint(neo4j)
        base = f"http://{settings.host}:{settings.port}"
        print(
            f"kiezgraph serves the map at {base}/ and the API at {base}/graphql with {workers} worker process"
            f"{'es' if workers > 1 else ''}  (Ctrl-C stops)",
            flush=True,
        )
        if workers == 1:
            uvicorn.run(create_app(neo4j, settings.options), host=settings.host, port=settings.port, log_level="info")
            return
        # Each worker is a process of its own and builds its app from the environment: point it
        # at the Neo4j just prepared (the local one included). They share no memory; what must
        # hold across them (token revocation, the data revision) lives in Neo4j.
        os.environ.update(
            NEO4J_URI=neo4j.uri,
            NEO4J_USER=neo4j.user,
            NEO4J_PASSWORD=neo4j.password,
            NEO4J_DATABASE=neo4j.database,
        )
        uvicorn.run(
            "kiezgraph.app:app_from_env",
            factory=True,
            workers=workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            host=settings.host,
            port=settings.port,
            log_level="info",
        )


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> None:
    with neo4j_for(settings) as neo4j:
        applied = _with_db(neo4j, migrations.migrate)
        print(f"applied migrations: {applied}" if applied else "schema is up to date")


async def reseed(db: Database, demo: bool) -> int:
    """:func:`prepare`, then one revision for what it wrote; returns that revision.

    Seeds are written without mutations, so without this a re-seed (renamed quarters, changed
    action fields, the demo network) would leave every cache keyed by the revision — metrics,
    exports, the suggestion snapshot, ETags — serving the old data, and live clients unaware.
    """
    await prepare(db, demo)
    return await changes.record_reload(db, "reference data seeded" + (" with the demo network" if demo else ""))


def cmd_seed(settings: Settings, args: argparse.Namespace) -> None:
    with neo4j_for(settings) as neo4j:
        _with_db(neo4j, lambda db: reseed(db, demo=args.demo))
        print("seeded quarters, action fields and organisations" + (" and the demo network" if args.demo else ""))


def cmd_demo(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> load.DemoSummary:
        await migrations.migrate(db)
        if args.action == "load":
            await load.load_reference(db)
            summary = await load.load_demo(db)
        else:
            summary = await load.remove_demo(db)
        # Written without mutations: the change feed tells live clients to read everything again.
        await changes.record_reload(db, "demo network loaded" if args.action == "load" else "demo network removed")
        return summary

    with neo4j_for(settings) as neo4j:
        summary = _with_db(neo4j, work)
    verb = "loaded" if args.action == "load" else "removed"
    print(
        f"demo network {verb}: {summary.actors} synthetic actors, {summary.cooperations} cooperations, "
        f"{summary.projects} projects"
    )


def cmd_token(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> str:
        await migrations.migrate(db)
        if args.action == "list":
            rows = await tokens.all_tokens(db)
            return (
                "\n".join(
                    f"{t.id}  {t.role:<10} {','.join(t.quarters) or '-':<30} {t.name}"
                    + (f"  (revoked {t.revoked_at:%Y-%m-%d})" if t.revoked_at else "")
                    for t in rows
                )
                or "no tokens yet"
            )
        if args.action == "revoke":

            async def revoke(tx: Transaction) -> bool:
                record = await tokens.revoke(tx, args.id)
                if record is not None:
                    await audit.write(tx, "cli", "admin", "ApiToken", args.id, "revoke", None, {"revoked": True})
                return record is not None

            return f"revoked {args.id}" if await db.write_transaction(revoke) else f"no token {args.id}"
        if args.role == "manager" and not args.quarter:
            raise SettingsError("a manager token needs at least one --quarter")
        known = {q.slug for q in await quarters.all_quarters(db)}
        unknown = [q for q in args.quarter if q not in known]
        if unknown:
            raise SettingsError(f"unknown quarter {unknown[0]!r}; known: {', '.join(sorted(known))}")

        async def create(tx: Transaction) -> tokens.IssuedToken:
            issued = await tokens.create(tx, args.name, args.role, args.quarter)
            await audit.write(
                tx,
                "cli",
                "admin",
                "ApiToken",
                issued.record.id,
                "create",
                None,
                {"name": args.name, "role": args.role, "quarters": args.quarter},
            )
            return issued

        issued = await db.write_transaction(create)
        return (
            f"{issued.secret}\n\nThe {args.role} token {issued.record.id} ({args.name}) is shown once; only its hash "
            "is stored. Send it as `Authorization: Bearer <token>`."
        )

    with neo4j_for(settings) as neo4j:
        print(_with_db(neo4j, work))


def _admin_hint(neo4j: Neo4jSettings) -> None:
    if _with_db(neo4j, tokens.live_admins) == 0:
        print(
            "No admin token yet. While this runs, create one in another terminal with\n"
            "    .venv/bin/kiezgraph token create --role admin --name <your name>\n"
            "and send it as `Authorization: Bearer <token>` (GraphiQL: the Headers tab).",
            flush=True,
        )


def cmd_schema(_: Settings, __: argparse.Namespace) -> None:
    sys.stdout.write(export_sdl())


def cmd_import(settings: Settings, args: argparse.Namespace) -> None:
    with neo4j_for(settings) as neo4j:
        code = _with_db(neo4j, lambda db: import_command.run(db, args))
    if code:
        raise SystemExit(code)


def cmd_settings(_: Settings, __: argparse.Namespace) -> None:
    sys.stdout.write(markdown_table())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kiezgraph",
        description=__doc__.splitlines()[0],
        epilog=help_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start Neo4j if local, migrate, seed, and serve the API")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (uvicorn's): about one per core left over by Neo4j",
    )
    serve.set_defaults(run=cmd_serve)
    commands.add_parser("migrate", help="apply pending schema migrations").set_defaults(run=cmd_migrate)
    seed = commands.add_parser("seed", help="load the Neukölln quarters, action fields and organisations")
    seed.add_argument("--demo", action="store_true", help="also load the synthetic demo network")
    seed.set_defaults(run=cmd_seed)
    demo = commands.add_parser("demo", help="load or remove the synthetic demo network")
    demo.add_argument("action", choices=["load", "remove"])
    demo.set_defaults(run=cmd_demo)
    commands.add_parser("schema", help="print the GraphQL schema (SDL)").set_defaults(run=cmd_schema)
    commands.add_parser("settings", help="print the settings as the README's table").set_defaults(run=cmd_settings)
    token = commands.add_parser("token", help="create, list or revoke API tokens")
    token_actions = token.add_subparsers(dest="action", required=True)
    create = token_actions.add_parser("create", help="create a token and print it once")
    create.add_argument("--role", required=True, choices=["researcher", "manager", "admin"])
    create.add_argument("--name", required=True, help="whose token, or what for")
    create.add_argument("--quarter", action="append", default=[], help="a manager's quarter (slug); repeatable")
    token_actions.add_parser("list", help="list tokens (never their secrets)")
    revoke = token_actions.add_parser("revoke", help="revoke a token")
    revoke.add_argument("id", help="the token id (the part after kg_)")
    token.set_defaults(run=cmd_token)
    import_command.add_parser(commands).set_defaults(run=cmd_import)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # retried transactions are not news
    try:
        args.run(Settings.from_env(), args)
    except (SettingsError, LocalNeo4jError, migrations.MigrationError) as exc:
        print(f"kiezgraph: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C is how a developer stops `make run`: not a failure
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
