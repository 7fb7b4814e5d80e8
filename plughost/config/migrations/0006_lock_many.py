"""Lock calls for several blocks at once: ``plughost_config_lock_many``.

- ``plughost_config_take(locks)``: 0005's all-or-none try of a set of locks,
  with its waiting mark; the busy id, or NULL once all are held.
- ``plughost_config_lock_many(unlocks, unwaits, locks, sizes, doc_keys)``: what
  ``plughost_config_lock`` does, for several requests in one call (the blocks of
  several tasks that start while a call is out): request ``i`` takes the next
  ``sizes[i]`` ids of ``locks`` and, once they are held, reads ``doc_keys[i]``
  (NULL: no read). One row per request, in order: ``(request, busy, data,
  version)``.

A session that finds a lock busy tells the holder with ``plughost_config_want``
(a process keeps the locks of a finished ``async with`` for its next block,
``NotificationListener.keep``), but not from here: a NOTIFY would make the call
wait, as it commits, for the server-wide NOTIFY lock, which other sessions hold
through their commits' WAL flushes, and unlocks and other requests ride in the
same call. The waiter sends it on a pooled connection instead.
"""

from importlib import import_module
from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

_BASE = import_module("plughost.config.migrations.0005_rmw_lock_function")
WAITING = _BASE.WAITING
_MARK = f"{WAITING}, (id % 2147483647)::int"

_TAKE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION plughost_config_take(locks bigint[])
RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    id bigint;
    busy bigint;
    taken bigint[] := '{{}}';
BEGIN
    FOREACH id IN ARRAY coalesce(locks, '{{}}') LOOP
        IF NOT pg_try_advisory_lock(id) THEN
            -- Mark this session waiting, then look once more (see 0005).
            WHILE NOT pg_try_advisory_lock_shared({_MARK}) LOOP
            END LOOP;
            IF NOT pg_try_advisory_lock(id) THEN
                busy := id;
                FOREACH id IN ARRAY taken LOOP
                    PERFORM plughost_config_release(id);
                END LOOP;
                RETURN busy;
            END IF;
            PERFORM pg_advisory_unlock_shared({_MARK});
        END IF;
        taken := taken || id;
    END LOOP;
    RETURN NULL;
END
$$
"""

_RELEASE_ALL = f"""
    FOREACH id IN ARRAY coalesce(unwaits, '{{}}') LOOP
        PERFORM pg_advisory_unlock_shared({_MARK});
    END LOOP;
    FOREACH id IN ARRAY coalesce(unlocks, '{{}}') LOOP
        PERFORM plughost_config_release(id);
    END LOOP;
"""

_LOCK_MANY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION plughost_config_lock_many(
    unlocks bigint[], unwaits bigint[], locks bigint[], sizes int[], doc_keys text[]
)
RETURNS TABLE (request int, busy bigint, data text, version bigint)
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
    id bigint;
    i int;
    pos int := 1;
    got bigint;
BEGIN
{_RELEASE_ALL}
    FOR i IN 1 .. coalesce(array_length(sizes, 1), 0) LOOP
        got := plughost_config_take(locks[pos : pos + sizes[i] - 1]);
        pos := pos + sizes[i];
        IF got IS NULL AND doc_keys[i] IS NOT NULL THEN
            -- Its own snapshot, taken now that the locks are held (see 0005).
            RETURN QUERY SELECT i, NULL::bigint, d.data::text, d.version
                FROM plughost_config AS d WHERE d.key = doc_keys[i];
            IF FOUND THEN
                CONTINUE;
            END IF;
        END IF;
        RETURN QUERY SELECT i, got, NULL::text, NULL::bigint;
    END LOOP;
END
$$
"""


async def _lock_many(apps: Any, schema_editor: Any) -> None:
    if schema_editor.DIALECT != "postgres":
        return
    for script in (_TAKE_FUNCTION, _LOCK_MANY_FUNCTION):
        await schema_editor.client.execute_script(script)


async def _lock_one(apps: Any, schema_editor: Any) -> None:
    if schema_editor.DIALECT != "postgres":
        return
    await schema_editor.client.execute_script(
        "DROP FUNCTION plughost_config_lock_many(bigint[], bigint[], bigint[], int[], text[]);"
        "DROP FUNCTION plughost_config_take(bigint[]);"
    )


class Migration(migrations.Migration):
    dependencies = [("plughost_config", "0005_rmw_lock_function")]

    operations = [ops.RunPython(_lock_many, _lock_one)]
