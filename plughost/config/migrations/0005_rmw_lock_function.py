"""PostgreSQL's ``plughost_config_lock``: an ``async with`` takes its locks and reads in one call.

An ``async with`` block on PostgreSQL used to cost five round trips besides
the write: take the value's ``get_lock()`` and the document's lock, read
through the pool, release both. This function does, in one call: clear this
session's waiting marks, release the advisory locks it is done with
(``plughost_config_release``: with a ``plughost_config_unlock`` NOTIFY only if
a session is marked waiting for that lock), try every lock asked for (all or
none: on a busy one, those taken by this call are released again, the session
is marked waiting, and the busy id is returned), then read the document.

It is ``VOLATILE`` and plpgsql, so in READ COMMITTED the read takes its own
snapshot, after the locks are held: it sees every write committed before
another process released them. (One plain
``SELECT pg_try_advisory_lock(..), (SELECT data ..)`` would not: its snapshot
is taken before the lock is.)

``SET search_path FROM CURRENT`` keeps the table it reads in the schema the
migration ran in (``?schema=``), whatever the caller's search path.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

#: The first key of the two-key advisory locks that mark "a session waits for
#: lock id": ``(WAITING, id % 2147483647)``. Two-key locks never collide with the
#: one-key locks themselves; two ids sharing a mark only cost a needless NOTIFY.
WAITING = 1886152055

_RELEASE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION plughost_config_release(id bigint)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_unlock(id);
    -- NOTIFY only if a session is marked waiting: a NOTIFY gives the statement
    -- a transaction id, and its commit waits for the server-wide NOTIFY lock,
    -- which other sessions hold through their commits' WAL flushes.
    IF pg_try_advisory_lock({WAITING}, (id % 2147483647)::int) THEN
        PERFORM pg_advisory_unlock({WAITING}, (id % 2147483647)::int);
    ELSE
        PERFORM pg_notify('plughost_config_unlock', id::text);
    END IF;
END
$$
"""

_LOCK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION plughost_config_lock(
    unlocks bigint[], unwaits bigint[], locks bigint[], doc_key text
)
RETURNS TABLE (busy bigint, data text, version bigint)
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
    id bigint;
    taken bigint[] := '{{}}';
BEGIN
    FOREACH id IN ARRAY coalesce(unwaits, '{{}}') LOOP
        PERFORM pg_advisory_unlock_shared({WAITING}, (id % 2147483647)::int);
    END LOOP;
    FOREACH id IN ARRAY coalesce(unlocks, '{{}}') LOOP
        PERFORM plughost_config_release(id);
    END LOOP;
    FOREACH id IN ARRAY coalesce(locks, '{{}}') LOOP
        IF NOT pg_try_advisory_lock(id) THEN
            -- Mark this session waiting, then look once more: a holder that
            -- released before the mark was set is seen by the second try, and
            -- one that releases after it sees the mark and notifies. The mark
            -- is only ever held exclusively for an instant (by a release).
            WHILE NOT pg_try_advisory_lock_shared({WAITING}, (id % 2147483647)::int) LOOP
            END LOOP;
            IF NOT pg_try_advisory_lock(id) THEN
                -- All or none: give back what this call took (the caller
                -- clears the mark, in its next call).
                FOREACH id IN ARRAY taken LOOP
                    PERFORM plughost_config_release(id);
                END LOOP;
                RETURN QUERY SELECT locks[coalesce(array_length(taken, 1), 0) + 1],
                    NULL::text, NULL::bigint;
                RETURN;
            END IF;
            PERFORM pg_advisory_unlock_shared({WAITING}, (id % 2147483647)::int);
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
    await schema_editor.client.execute_script(_RELEASE_FUNCTION)
    await schema_editor.client.execute_script(_LOCK_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("plughost_config", "0004_process_commands")]

    operations = [ops.RunPython(_create_lock_function, ops.RunPython.noop)]
