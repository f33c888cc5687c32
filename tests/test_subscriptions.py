"""Live changes over graphql-transport-ws, checked with the npm client graphql-ws against two
service processes (uvicorn, as in production) on one Neo4j.

Every wait is for an event (a line from the client, a close code) with a generous bound; no test
sleeps and then looks.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import jwt
import neo4j
import pytest
import websockets

from bench.common import api_server
from core.broker import CLOSE_CREDENTIAL, CLOSE_SLOW, Broker, Interest, SubscriptionEnded
from core.revocations import Revocations
from graph import changes, migrations, tokens
from graph.db import Database, Neo4jSettings
from seeds import load
from tests.conftest import issue_token, run_async

AUDITS = Path(__file__).with_name("audits")
WAIT = 60.0  # seconds: the most any event may take on a busy CI machine

CHANGES = """
subscription($quarter: String, $after: Revision) {
  changes(quarter: $quarter, after: $after) {
    revision entity entityId operation quarters tombstone { reason }
    actor { name contactPersons { name email } } contactPerson { name email }
  }
}
"""
ACTOR_CHANGED = (
    "subscription($id: ID!, $after: Revision) { actorChanged(id: $id, after: $after) { revision entity operation } }"
)
CREATE = "mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id version } errors { code } } }"
UPDATE = "mutation($i: UpdateActorInput!) { updateActor(input: $i) { actor { version } errors { code } } }"
ADD_PERSON = "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { errors { code } } }"
ADD_TIE = "mutation($i: AddCooperationInput!) { addCooperation(input: $i) { errors { code } } }"
REVOKE = "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { errors { code } } }"
REVISION = "{ changes(first: 1) { revision } }"
JWT_SECRET = "subscription-tests-signing-key-of-32-bytes-or-more"


@dataclass
class Instances:
    a: str
    b: str
    admin: str
    settings: Neo4jSettings


@pytest.fixture(scope="module")
def instances(neo4j_settings: Neo4jSettings, driver: neo4j.Driver) -> Iterator[Instances]:
    assert shutil.which("node") is not None, "Node.js is needed for the graphql-ws client"
    assert (AUDITS / "node_modules" / "graphql-ws").exists(), "run `make test` (it installs the node tooling)"
    with driver.session() as session:
        session.run("MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()

    async def prepare(db: Database) -> None:
        await migrations.migrate(db)
        await load.load_reference(db)

    run_async(neo4j_settings, prepare)
    admin = issue_token(neo4j_settings, "admin", name="subscription tests")
    env = {
        "KIEZGRAPH_CHANGE_POLL_INTERVAL": "0.1",
        "KIEZGRAPH_QUERY_TIMEOUT": "60",  # a busy CI machine is slow to plan the first queries
        "KIEZGRAPH_WS_KEEPALIVE": "1",
        "KIEZGRAPH_SUBSCRIPTIONS_PER_CONNECTION": "3",
        "KIEZGRAPH_SUBSCRIPTIONS_PER_TOKEN": "4",
        "KIEZGRAPH_JWT_SECRET": JWT_SECRET,
    }
    with api_server(neo4j_settings, **env) as a, api_server(neo4j_settings, **env) as b:
        yield Instances(a, b, admin, neo4j_settings)


def gql(base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=WAIT
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


def revision_now(base: str) -> int:
    return int(gql(base, REVISION)["changes"]["revision"])


def create_actor(base: str, token: str, name: str, quarter: str = "rollberg") -> dict[str, Any]:
    payload = gql(base, CREATE, {"i": {"type": "INITIATIVE", "name": name, "quarters": [{"quarter": quarter}]}}, token)
    assert payload["createActor"]["errors"] == []
    return payload["createActor"]["actor"]


class Subscriber:
    """The node client in a process of its own; its output lines, as they come."""

    def __init__(self, base: str, subscriptions: list[dict[str, Any]], token: str | None = None) -> None:
        url = base.replace("http://", "ws://") + "/graphql"
        options = {"url": url, "token": token, "subscriptions": subscriptions}
        self.process = subprocess.Popen(
            ["node", str(AUDITS / "subscribe.mjs"), json.dumps(options)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def wait_for(self, condition: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        """The first line (from now on) that meets ``condition``; fails after :data:`WAIT` seconds."""
        while True:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"waited {WAIT:.0f} s for {what}; saw {self.seen[-5:]}")
            self.seen.append(line)
            if condition(line):
                return line
            if "closed" in line:
                pytest.fail(f"the connection closed while waiting for {what}: {line}")

    def events(self) -> list[dict[str, Any]]:
        return [line["next"]["data"] for line in self.seen if "next" in line]

    def event_about(self, entity_id: str, operation: str = "CREATE") -> dict[str, Any]:
        def matches(line: dict[str, Any]) -> bool:
            data = (line.get("next") or {}).get("data") or {}
            event = next(iter(data.values()), None) or {}
            return bool(event.get("entityId") == entity_id and event.get("operation") == operation)

        line = self.wait_for(matches, f"{operation} of {entity_id}")
        return next(iter(line["next"]["data"].values()))

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()  # the client disconnects when its stdin ends
        try:
            self.process.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(WAIT)  # it ends at the end of the output
        self.process.stdout.close()


@contextlib.contextmanager
def subscribed(
    base: str, query: str, variables: dict[str, Any], token: str | None = None, count: int = 1
) -> Iterator[Subscriber]:
    subscriber = Subscriber(base, [{"query": query, "variables": variables}] * count, token)
    try:
        subscriber.wait_for(lambda line: "connected" in line or "closed" in line, "connection_ack")
        yield subscriber
    finally:
        subscriber.close()


def test_a_write_through_one_instance_reaches_a_subscriber_on_the_other(instances: Instances) -> None:
    start = revision_now(instances.b)
    with subscribed(instances.b, CHANGES, {"quarter": "rollberg", "after": start}) as sub:
        made = create_actor(instances.a, instances.admin, "Stadtteilmütter Rollberg")
        event = sub.event_about(made["id"])
    assert event["revision"] > start
    assert event["actor"]["name"] == "Stadtteilmütter Rollberg"
    assert event["quarters"] == ["rollberg"]


def test_a_subscriber_that_resumes_gets_each_missed_change_exactly_once(instances: Instances) -> None:
    start = revision_now(instances.a)
    with subscribed(instances.b, CHANGES, {"quarter": "rollberg", "after": start}) as sub:
        first = create_actor(instances.a, instances.admin, "Erster Verein")
        last_seen = sub.event_about(first["id"])["revision"]
    # Disconnected: three writes happen meanwhile, through both instances.
    missed = [
        create_actor(instances.a, instances.admin, "Zweiter Verein"),
        create_actor(instances.b, instances.admin, "Dritter Verein"),
        create_actor(instances.a, instances.admin, "Vierter Verein"),
    ]
    with subscribed(instances.a, CHANGES, {"quarter": "rollberg", "after": last_seen}) as sub:
        for made in missed:
            sub.event_about(made["id"])
        live = create_actor(instances.b, instances.admin, "Fünfter Verein")
        sub.event_about(live["id"])
        received = [e["changes"] for e in sub.events()]
    assert [e["entityId"] for e in received] == [m["id"] for m in [*missed, live]], "each once, in order"
    assert len({e["revision"] for e in received}) == 4
    assert all(e["revision"] > last_seen for e in received)


def test_a_public_subscriber_never_sees_personal_data(instances: Instances) -> None:
    start = revision_now(instances.a)
    kita = create_actor(instances.a, instances.admin, "Kita Pusteblume")
    with (
        subscribed(instances.b, CHANGES, {"after": start}) as public,
        subscribed(instances.b, CHANGES, {"after": start}, token=instances.admin) as admin,
    ):
        added = gql(
            instances.a,
            ADD_PERSON,
            {"i": {"actorId": kita["id"], "name": "Paula Privat", "email": "paula@privat.example"}},
            instances.admin,
        )
        assert added["addContactPerson"]["errors"] == []
        # A later change to the actor marks the end: everything before it has been delivered.
        updated = gql(
            instances.a,
            UPDATE,
            {"i": {"id": kita["id"], "version": kita["version"], "tags": ["kita"]}},
            instances.admin,
        )
        assert updated["updateActor"]["errors"] == []
        public.event_about(kita["id"], "UPDATE")
        admin.event_about(kita["id"], "UPDATE")
    seen_by_public = json.dumps(public.events())
    assert "Paula" not in seen_by_public and "paula@" not in seen_by_public
    assert {e["changes"]["entity"] for e in public.events()} == {"ACTOR"}
    assert all(e["changes"]["actor"]["contactPersons"] is None for e in public.events())
    # The admin on the same instance did get it: the public one was filtered, not slow.
    persons = [e["changes"]["contactPerson"] for e in admin.events() if e["changes"]["entity"] == "CONTACT_PERSON"]
    assert persons == [{"name": "Paula Privat", "email": "paula@privat.example"}]


def test_a_revoked_tokens_subscription_ends(instances: Instances) -> None:
    token = issue_token(instances.settings, "researcher", name="to be revoked")
    token_id = token.split("_")[1]
    with subscribed(instances.b, CHANGES, {}, token=token) as sub:
        # Revoked through the other instance: the revocation's record reaches this one by Neo4j.
        revoked = gql(instances.a, REVOKE, {"i": {"id": token_id}}, instances.admin)
        assert revoked["revokeApiToken"]["errors"] == []
        closed = sub.wait_for(lambda line: "closed" in line, "the connection to close")
    assert closed == {"closed": 4403, "reason": "the token was revoked"}
    # And it cannot come back.
    with subscribed(instances.b, CHANGES, {}, token=token) as again:
        assert again.seen[-1]["closed"] == 4403


def test_actor_changed_follows_one_actor_and_its_ties(instances: Instances) -> None:
    start = revision_now(instances.a)
    one = create_actor(instances.a, instances.admin, "Jugendclub Manege")
    other = create_actor(instances.a, instances.admin, "Sportverein Kiez")
    with subscribed(instances.b, ACTOR_CHANGED, {"id": one["id"], "after": start}) as sub:
        tie = gql(
            instances.a, ADD_TIE, {"i": {"actorIds": [one["id"], other["id"]], "kind": "FUNDING"}}, instances.admin
        )
        assert tie["addCooperation"]["errors"] == []
        sub.wait_for(
            lambda line: "next" in line and line["next"]["data"]["actorChanged"]["entity"] == "COOPERATION", "the tie"
        )
    assert [(e["actorChanged"]["entity"], e["actorChanged"]["operation"]) for e in sub.events()] == [
        ("ACTOR", "CREATE"),
        ("COOPERATION", "CREATE"),
    ]


def test_the_connection_is_authenticated_and_limited(instances: Instances) -> None:
    with subscribed(instances.b, CHANGES, {}, token="kg_nope_nope") as bad:
        assert bad.seen[-1]["closed"] == 4403
    # The role's cost budget holds for subscriptions too: a million partners' partners is refused.
    costly = (
        "subscription { changes { actor { partners(first: 100) { edges { node { partners(first: 100) "
        "{ edges { node { partners(first: 100) { edges { node { name } } } } } } } } } } } }"
    )
    with subscribed(instances.b, costly, {}) as sub:
        error = sub.wait_for(lambda line: "error" in line, "the cost refusal")
    assert error["error"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    # And the depth limit (15): 18 levels are refused before anything runs.
    deep = (
        "subscription { changes { actor { "
        + "partners(first: 1) { edges { node { " * 5
        + "name"
        + " } } }" * 5
        + " } } }"
    )
    with subscribed(instances.b, deep, {}) as sub:
        error = sub.wait_for(lambda line: "error" in line, "the depth refusal")
    assert error["error"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
    # Three per connection (KIEZGRAPH_SUBSCRIPTIONS_PER_CONNECTION): the fourth is refused.
    with subscribed(instances.b, CHANGES, {}, token=instances.admin, count=4) as sub:
        refused = sub.wait_for(lambda line: "error" in line, "the refusal of the fourth")
    assert refused["sub"] == 3 and "limit" in json.dumps(refused["error"]).lower()
    # Four per token on one instance (KIEZGRAPH_SUBSCRIPTIONS_PER_TOKEN), over any connections.
    token = issue_token(instances.settings, "researcher", name="greedy")
    actor = create_actor(instances.a, instances.admin, "Nachbarschaftshaus")
    with (
        subscribed(instances.b, ACTOR_CHANGED, {"id": actor["id"]}, token=token, count=2) as first,
        subscribed(instances.b, CHANGES, {}, token=token, count=3) as second,
    ):
        # Refused when it starts: an answer with the error (and no data), then complete.
        too_many = second.wait_for(lambda line: "TOO_MANY_SUBSCRIPTIONS" in json.dumps(line), "the fifth's refusal")
        assert too_many["sub"] == 2 and too_many["next"]["data"] is None
        assert "at most 4 subscriptions per token" in too_many["next"]["errors"][0]["message"]
        assert not any("TOO_MANY" in json.dumps(line) for line in first.seen)


def test_the_server_pings_and_drops_a_client_that_does_not_answer(instances: Instances) -> None:
    async def silent_client() -> tuple[int, int | None]:
        url = instances.b.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            pings = 0
            async with asyncio.timeout(WAIT):
                try:
                    async for message in ws:
                        kind = json.loads(message)["type"]
                        pings += kind == "ping"  # never answered
                except websockets.ConnectionClosed:
                    pass
            return pings, ws.close_code

    pings, code = asyncio.run(silent_client())
    assert pings >= 1 and code == 4408


def test_a_slow_subscriber_is_dropped_not_buffered(instances: Instances, neo4j_settings: Neo4jSettings) -> None:
    async def work(db: Database) -> SubscriptionEnded | None:
        broker = Broker(db, interval=3600, buffer=2)  # polled by hand below
        subscriber = await broker.subscribe("test", Interest(frozenset(changes.FEED_ENTITIES)))
        try:
            for n in range(3):
                await changes.record_reload(db, f"bulk load {n}")
            await broker.poll()
            for _ in range(3):
                await subscriber.next()
        except SubscriptionEnded as ended:
            return ended
        finally:
            await broker.close()
        return None

    ended = run_async(neo4j_settings, work)
    assert ended is not None and ended.code == CLOSE_SLOW
    assert "slow consumer" in ended.reason


def test_a_jwts_subscription_ends_when_it_expires_though_nothing_is_written(instances: Instances) -> None:
    # Long enough to connect on a busy machine; the end comes from a timer to `exp`, not a write.
    expires = int(time.time()) + 10
    token = jwt.encode({"sub": "map-kiosk", "role": "researcher", "exp": expires}, JWT_SECRET, algorithm="HS256")
    with subscribed(instances.b, CHANGES, {}, token=token) as sub:
        assert "connected" in sub.seen[-1], sub.seen
        closed = sub.wait_for(lambda line: "closed" in line, "the connection to close at the token's expiry")
    assert closed == {"closed": 4403, "reason": "the token expired"}
    assert time.time() >= expires - 1  # ended by the expiry (the clock's second may round down)
    # Expired, it is refused at connection_init with the same code.
    with subscribed(instances.b, CHANGES, {}, token=token) as again:
        assert again.seen[-1]["closed"] == 4403


SET_STATUS = "mutation($i: SetQuarterStatusInput!) { setQuarterStatus(input: $i) { errors { code } } }"
HAND_OVER = "mutation($i: HandOverQuarterInput!) { handOverQuarter(input: $i) { errors { code } withdrawn { id } } }"
ADD_PERSON_ID = "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } } }"


def test_a_handover_ends_the_subscriptions_of_the_tokens_it_withdraws_the_quarter_from(instances: Instances) -> None:
    # Last in this module: it ends the quarter flughafenstrasse (the others use rollberg).
    only = issue_token(instances.settings, "manager", ["flughafenstrasse"], name="old QM team")
    both = issue_token(instances.settings, "manager", ["flughafenstrasse", "rollberg"], name="old QM team 2")
    successor = create_actor(instances.a, instances.admin, "Nachbarschaftshaus Nachfolge", "flughafenstrasse")
    person = gql(
        instances.a, ADD_PERSON_ID, {"i": {"actorId": successor["id"], "name": "Frau Nachfolge"}}, instances.admin
    )
    ended = gql(
        instances.a,
        SET_STATUS,
        {
            "i": {
                "quarter": "flughafenstrasse",
                "status": "ENDED",
                "endDate": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
                "successorId": successor["id"],
            }
        },
        instances.admin,
    )
    assert ended["setQuarterStatus"]["errors"] == []
    with (
        subscribed(instances.b, CHANGES, {"quarter": "flughafenstrasse"}, token=only) as revoked,
        subscribed(instances.b, CHANGES, {"quarter": "rollberg"}, token=both) as narrowed,
    ):
        assert "connected" in revoked.seen[-1] and "connected" in narrowed.seen[-1]
        person_id = person["addContactPerson"]["person"]["id"]
        handed = gql(
            instances.a,
            HAND_OVER,
            {"i": {"quarter": "flughafenstrasse", "mode": "TRANSFER", "personIds": [person_id]}},
            instances.admin,
        )["handOverQuarter"]
        assert handed["errors"] == [] and {t["id"] for t in handed["withdrawn"]} == {
            only.split("_")[1],
            both.split("_")[1],
        }
        gone = revoked.wait_for(lambda line: "closed" in line, "the revoked token's connection to close")
        moved = narrowed.wait_for(lambda line: "closed" in line, "the narrowed token's connection to close")
    assert gone == {"closed": 4403, "reason": "the token was revoked"}
    assert moved["closed"] == 4403 and "quarters changed" in moved["reason"]
    # The narrowed token reconnects with what it still holds; the revoked one is refused.
    with subscribed(instances.b, CHANGES, {"quarter": "rollberg"}, token=both) as again:
        assert "connected" in again.seen[-1]
    with subscribed(instances.b, CHANGES, {}, token=only) as again:
        assert again.seen[-1]["closed"] == 4403


def test_the_legacy_graphql_ws_protocol_is_authenticated_limited_kept_alive_and_revoked(instances: Instances) -> None:
    """subscriptions-transport-ws (the protocol older Apollo clients speak), as raw messages."""
    url = instances.b.replace("http://", "ws://") + "/graphql"
    token = issue_token(instances.settings, "researcher", name="legacy client")
    costly = (
        "subscription { changes { actor { partners(first: 100) { edges { node { partners(first: 100) "
        "{ edges { node { partners(first: 100) { edges { node { name } } } } } } } } } } } }"
    )

    async def connect(credential: str) -> websockets.ClientConnection:
        ws = await websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-ws")])
        assert ws.subprotocol == "graphql-ws"
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {credential}"}}))
        return ws

    async def next_of(ws: websockets.ClientConnection, *kinds: str) -> dict[str, Any]:
        async with asyncio.timeout(WAIT):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] in kinds:
                    return message  # type: ignore[no-any-return]

    async def exchange() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any], int | None]:
        async with await connect("kg_nope_nope") as bad:
            refused = await next_of(bad, "connection_error")
        async with await connect(token) as ws:
            await next_of(ws, "connection_ack")
            await next_of(ws, "ka")  # the protocol's keep-alive
            await ws.send(json.dumps({"id": "1", "type": "start", "payload": {"query": costly}}))
            too_costly = await next_of(ws, "error")
            await ws.send(json.dumps({"id": "2", "type": "start", "payload": {"query": CHANGES, "variables": {}}}))
            made = await asyncio.to_thread(create_actor, instances.a, instances.admin, "Legacy-Verein")
            while True:  # the write through the other instance arrives as `data`
                data = await next_of(ws, "data")
                if data["payload"]["data"]["changes"]["entityId"] == made["id"]:
                    break
            revoked = await asyncio.to_thread(
                gql, instances.a, REVOKE, {"i": {"id": token.split("_")[1]}}, instances.admin
            )
            assert revoked["revokeApiToken"]["errors"] == []
            async with asyncio.timeout(WAIT):
                with contextlib.suppress(websockets.ConnectionClosed):
                    async for _ in ws:
                        pass
            return refused, too_costly, data, {"reason": ws.close_reason}, ws.close_code

    refused, too_costly, data, closed, code = asyncio.run(exchange())
    assert refused["payload"]["code"] == "UNAUTHENTICATED"
    assert too_costly["id"] == "1" and too_costly["payload"]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert data["id"] == "2" and data["payload"]["data"]["changes"]["actor"]["name"] == "Legacy-Verein"
    assert code == 4403 and closed["reason"] == "the token was revoked"


def test_a_revocation_noticed_by_the_poller_ends_and_refuses_that_tokens_subscriptions(
    instances: Instances, neo4j_settings: Neo4jSettings
) -> None:
    token_id = issue_token(neo4j_settings, "researcher", name="noticed by the poller").split("_")[1]
    key = f"token:{token_id}"

    async def work(db: Database) -> tuple[SubscriptionEnded | None, SubscriptionEnded | None]:
        revocations = Revocations(db)
        await revocations.check()  # the value before the revocation (an instance's first look)
        broker = Broker(db, interval=3600, revocations=revocations)  # polled by hand below
        subscriber = await broker.subscribe(key, Interest(frozenset(changes.FEED_ENTITIES)))
        await db.write_transaction(lambda tx: tokens.revoke(tx, token_id))
        await broker.poll()  # reads the counter with the revision, and acts on the change
        ended: SubscriptionEnded | None = None
        try:
            await subscriber.next()
        except SubscriptionEnded as e:
            ended = e
        refused: SubscriptionEnded | None = None
        try:  # a connection authenticated just before the revocation cannot start another one
            await broker.subscribe(key, Interest(frozenset(changes.FEED_ENTITIES)))
        except SubscriptionEnded as e:
            refused = e
        finally:
            await broker.close()
        return ended, refused

    ended, refused = run_async(neo4j_settings, work)
    assert ended is not None and (ended.code, ended.reason) == (CLOSE_CREDENTIAL, "the token was revoked")
    assert refused is not None and refused.code == CLOSE_CREDENTIAL
