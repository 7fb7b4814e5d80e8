"""PostgreSQL's ``plughost_config_lock``: an ``async with`` takes its locks and reads in one call.

An ``async with`` block on PostgreSQL used to cost three round trips on the
listening connection before the write (try the lock, read through the pool,
unlock) and a fourth and fifth for the value's ``get_lock()``. This function
does, in one call: release the advisory locks this session is done with (each
with its ``plughost_config_unlock`` NOTIFY), try every lock asked for (all or
none: on a busy one, those taken by this call are released again and the busy
id is returned), then read the document. It is ``VOLATILE`` and plpgsql, so in
READ COMMITTED the read takes its own snapshot, after the locks are held: it
sees every write committed before another process released them. (One plain
``SELECT pg_try_advisory_lock(..), (SELECT data ..)`` would not: its snapshot
is taken before the lock is.)

``SET search_path FROM CURRENT`` keeps the table it reads in the schema the
migration ran in (``?schema=``), whatever the caller's search path.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

_LOCK_FUNCTION = """
CREATE OR REPLACE FUNCTION plughost_config_lock(unlocks bigint[], locks bigint[], doc_key text)
RETURNS TABLE (busy bigint, data text, version bigint)
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
    id bigint;
    taken bigint[] := '{}';
BEGIN
    FOREACH id IN ARRAY coalesce(unlocks, '{}') LOOP
        PERFORM pg_advisory_unlock(id), pg_notify('plughost_config_unlock', id::text);
    END LOOP;
    FOREACH id IN ARRAY coalesce(locks, '{}') LOOP
        IF NOT pg_try_advisory_lock(id) THEN
            -- All or none; another process may have found one of these held
            -- for that instant: tell it, as any unlock does.
            FOREACH id IN ARRAY taken LOOP
                PERFORM pg_advisory_unlock(id), pg_notify('plughost_config_unlock', id::text);
            END LOOP;
            RETURN QUERY SELECT locks[coalesce(array_length(taken, 1), 0) + 1],
                NULL::text, NULL::bigint;
            RETURN;
        END IF;
        taken := taken || id;
    END LOOP;
    IF doc_key IS NOT NULL THEN
        RETURN QUERY SELECT NULL::bigint, d.data::text, d.version
            FROM plughost_config AS d WHERE d.key = doc_key;
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;
    RETURN QUERY SELECT NULL::bigint, NULL::text, NULL::bigint;
END
$$
"""


async def _create_lock_function(apps: Any, schema_editor: Any) -> None:
    if schema_editor.DIALECT != "postgres":
        return
    await schema_editor.client.execute_script(_LOCK_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("plughost_config", "0004_process_commands")]

    operations = [ops.RunPython(_create_lock_function, ops.RunPython.noop)]
