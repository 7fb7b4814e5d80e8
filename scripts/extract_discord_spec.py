"""Regenerate the Discord API spec extract that plughost's test kit validates against.

Usage::

    git clone https://github.com/discord/discord-api-spec /tmp/discord-api-spec
    python scripts/extract_discord_spec.py /tmp/discord-api-spec

It reads ``specs/openapi.json`` of that checkout (a bare git directory works too:
``HEAD:specs/openapi.json`` is read through git), keeps the operations the local
Discord serves (the emulator's own route table, matched by path shape) and every
component they reference, and writes
``plughost/testing/conformance/discord-openapi.json`` with the upstream commit
recorded under ``info.x-plughost-source``, plus the upstream licence next to it.
A route of the emulator that matches no Discord operation is an error: the local
Discord must serve only what Discord serves.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from plughost.testing.emulator import DiscordEmulator

OUT_DIR = Path(__file__).resolve().parent.parent / "plughost" / "testing" / "conformance"


def _upstream_file(checkout: Path, name: str) -> tuple[str, str]:
    """The text of ``name`` in the checkout, and the commit it was read at."""
    git = ["git", "-C", str(checkout)]
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    on_disk = checkout / name
    if on_disk.is_file():
        return on_disk.read_text(encoding="utf-8"), commit or "unknown"
    shown = subprocess.run(
        [*git, "show", f"HEAD:{name}"], capture_output=True, text=True, check=True
    )
    return shown.stdout, commit


def _shape(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", template)


def served_routes() -> list[tuple[str, str]]:
    """(method, path template) of every REST route the emulator answers."""
    return DiscordEmulator().route_templates()


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _pointer(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def extract(spec: dict[str, Any], routes: list[tuple[str, str]]) -> dict[str, Any]:
    by_shape: dict[tuple[str, str], str] = {}
    for path, item in spec["paths"].items():
        for method in item:
            if method != "parameters":
                by_shape[(method.upper(), _shape(path))] = path
    paths: dict[str, dict[str, Any]] = {}
    missing = []
    for method, template in routes:
        path = by_shape.get((method, _shape(template)))
        if path is None:
            missing.append(f"{method} {template}")
            continue
        item = paths.setdefault(path, {})
        if "parameters" in spec["paths"][path]:
            item["parameters"] = spec["paths"][path]["parameters"]
        item[method.lower()] = spec["paths"][path][method.lower()]
    if missing:
        raise SystemExit("emulator routes that are no Discord operation: " + ", ".join(missing))
    components: dict[str, dict[str, Any]] = {}
    pending: set[str] = set()
    _refs(paths, pending)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, section, name = ref.removeprefix("#/").split("/", 2)
        target = _pointer(spec, ref)
        components.setdefault(section, {})[name] = target
        _refs(target, pending)
    ordered = {k: dict(sorted(v.items())) for k, v in sorted(components.items())}
    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "paths": dict(sorted(paths.items())),
        "components": ordered,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("checkout", type=Path, help="a checkout of discord/discord-api-spec")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where to write the extract")
    args = parser.parse_args(argv)
    text, commit = _upstream_file(args.checkout, "specs/openapi.json")
    licence, _ = _upstream_file(args.checkout, "LICENSE")
    spec = json.loads(text)
    extracted = extract(spec, served_routes())
    extracted["info"] = {
        **extracted["info"],
        "x-plughost-source": {
            "repository": "https://github.com/discord/discord-api-spec",
            "path": "specs/openapi.json",
            "commit": commit,
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "discord-openapi.json"
    target.write_text(json.dumps(extracted, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    (args.out / "LICENSE.discord-api-spec").write_text(
        "plughost/testing/conformance/discord-openapi.json is an extract of\n"
        "specs/openapi.json of https://github.com/discord/discord-api-spec\n"
        f"(commit {commit}), distributed under the following licence:\n\n" + licence,
        encoding="utf-8",
    )
    operations = sum(1 for item in extracted["paths"].values() for m in item if m != "parameters")
    schemas = len(extracted["components"].get("schemas", {}))
    print(f"{target}: {operations} operations, {schemas} schemas (upstream {commit[:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
