"""fastjsonschema's generated code for a schema, kept on disk between test runs.

Generating and compiling the code for one of Discord's message schemas takes a
few tenths of a second, paid again by every pytest process (about 2 s of CPU per
test directory). The compiled code object is written once under the user's cache
directory (``PLUGHOST_SPEC_CACHE`` overrides it), named by a digest of the
schema, fastjsonschema's version and the Python version, and loaded from there
afterwards. Writes are atomic (a temporary file, then a rename), so parallel
test processes can share it; when the cache cannot be written, it is only slower.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import fastjsonschema
import platformdirs

__all__ = ["CACHE_ENV", "compile_schema"]

#: Where the generated modules go (default: the user cache directory of plughost).
CACHE_ENV: Final = "PLUGHOST_SPEC_CACHE"


def _cache_dir() -> Path:
    chosen = os.environ.get(CACHE_ENV)
    return Path(chosen) if chosen else Path(platformdirs.user_cache_dir("plughost")) / "spec"


def compile_schema(root: dict[str, Any]) -> Callable[[Any], Any]:
    """A function that raises ``JsonSchemaException`` when its argument breaks ``root``."""
    text = json.dumps(root, sort_keys=True)
    salt = f"{fastjsonschema.VERSION}\n{sys.implementation.cache_tag}\n{text}"
    digest = hashlib.sha256(salt.encode()).hexdigest()[:32]
    path = _cache_dir() / f"schema_{digest}.marshal"
    try:
        code = marshal.loads(path.read_bytes())  # our own cache, named by digest
    except (OSError, EOFError, ValueError, TypeError):
        code = compile(fastjsonschema.compile_to_code(root, use_formats=False), str(path), "exec")
        _store(path, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # fastjsonschema's generated validator
    validate: Callable[[Any], Any] = namespace["validate"]
    return validate


def _store(path: Path, data: bytes) -> None:
    """Write atomically (parallel test processes share the cache); a cache that cannot
    be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            out.write(data)
        Path(out.name).replace(path)
    except OSError:
        return
