"""The schema's breaking-change check: the code's schema against the last release's.

The baseline is ``schema.graphql`` as of the newest release tag (``git describe --tags
--abbrev=0 --match 'v*'``); without a tag (or without git), the committed ``schema.graphql``
(``HEAD``, else the file on disk). graphql-core's ``find_breaking_changes`` lists what would
break a client written against the baseline; every such change must be announced in
``schema-changes.toml`` with a reason, or the check fails. Dangerous changes (a new enum value,
an argument's new default) are printed, not failed.

Run: ``.venv/bin/python -m tools.schema_changes`` (``make lint`` does).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from graphql import build_schema, find_breaking_changes, find_dangerous_changes

from schema import export_sdl

ROOT = Path(__file__).resolve().parents[1]
ANNOUNCED = ROOT / "schema-changes.toml"


@dataclass(frozen=True)
class Baseline:
    what: str  # where the SDL came from, for the report
    sdl: str


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError:  # no git at all
        return None
    return done.stdout if done.returncode == 0 else None


def baseline() -> Baseline:
    tag = (_git("describe", "--tags", "--abbrev=0", "--match", "v*") or "").strip()
    if tag:
        sdl = _git("show", f"{tag}:schema.graphql")
        if sdl is not None:
            return Baseline(f"release {tag}", sdl)
    committed = _git("show", "HEAD:schema.graphql")
    if committed is not None:
        return Baseline("the committed schema.graphql (no release tag)", committed)
    return Baseline("schema.graphql on disk (no git)", (ROOT / "schema.graphql").read_text(encoding="utf-8"))


def announced() -> set[str]:
    """The descriptions of the breaking changes announced, as graphql-core words them."""
    if not ANNOUNCED.exists():
        return set()
    entries = tomllib.loads(ANNOUNCED.read_text(encoding="utf-8")).get("accepted", [])
    return {entry["change"] for entry in entries if entry.get("reason")}


def main() -> int:
    base = baseline()
    old, new = build_schema(base.sdl), build_schema(export_sdl())
    breaking = [f"{c.type.name}: {c.description}" for c in find_breaking_changes(old, new)]
    dangerous = [f"{c.type.name}: {c.description}" for c in find_dangerous_changes(old, new)]
    accepted = announced()
    unannounced = [c for c in breaking if c not in accepted]
    for change in dangerous:
        print(f"dangerous (allowed): {change}")
    for change in breaking:
        print(f"breaking{' (announced)' if change in accepted else ''}: {change}")
    if unannounced:
        print(
            f"\n{len(unannounced)} breaking change(s) against {base.what} are not announced. Keep the schema "
            f'compatible, or add each to {ANNOUNCED.name} as [[accepted]] change = "…" with a reason.',
            file=sys.stderr,
        )
        return 1
    print(f"schema: no unannounced breaking change against {base.what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
