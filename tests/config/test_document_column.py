"""Documents that are bare numbers keep their exact value, on both backends, and
SQLite files made before migration 0003 (a NUMERIC-affinity column) are fixed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from plughost.config import Config, ConfigStore, connect

BIG = 2**70 + 1  # beyond 64 bits: a NUMERIC column would make it a float


async def test_bare_numbers_at_a_partial_level_round_trip(store: ConfigStore, conf: Config) -> None:
    conf.init_custom("SCORE", 2)
    conf.register_custom("SCORE", points=0)
    # Setting the partial level stores one document per key, holding its value.
    values = {"int": 5, "big": BIG, "float": 1.5, "text": "5"}
    await conf.custom("SCORE", "a").set(values)
    assert await conf.custom("SCORE", "a")() == values
    store.cache.clear()  # read back from the database, not the cache
    assert await conf.custom("SCORE", "a")() == values
    assert await conf.all_custom("SCORE", "a") == values


async def test_a_file_from_before_0003_is_rebuilt_with_its_numbers_readable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    async with connect(f"sqlite:///{path}"):
        conf = Config.get_conf(None, identifier=7, cog_name="Old")
        conf.init_custom("SCORE", 2)
        await conf.custom("SCORE", "old").set({"kept": {"points": 3}})
    # Turn the file back into what 0001/0002 made (without 0004's columns, 0005 and 0006 not
    # run), with a number stored as one.
    db = sqlite3.connect(path)
    with db:
        db.executescript(
            """
            ALTER TABLE plughost_config RENAME TO t;
            CREATE TABLE plughost_config ("key" TEXT NOT NULL PRIMARY KEY,
                "data" JSON NOT NULL, "version" BIGINT NOT NULL);
            INSERT INTO plughost_config SELECT * FROM t;
            DROP TABLE t;
            DELETE FROM tortoise_migrations WHERE name = '0003_sqlite_text_documents';
            DELETE FROM tortoise_migrations WHERE name = '0004_process_commands';
            DELETE FROM tortoise_migrations WHERE name = '0005_rmw_lock_function';
            DELETE FROM tortoise_migrations WHERE name = '0006_lock_many';
            ALTER TABLE plughost_processes DROP COLUMN commands;
            ALTER TABLE plughost_processes DROP COLUMN errors;
            ALTER TABLE plughost_processes DROP COLUMN commands_per_second;
            ALTER TABLE plughost_processes DROP COLUMN p99_ms;
            """
        )
        (key,) = db.execute("SELECT key FROM plughost_config").fetchone()
        db.execute("INSERT INTO plughost_config VALUES (?, ?, 1)", (key.replace("kept", "num"), 12))
        assert db.execute("SELECT typeof(data) FROM plughost_config WHERE data = 12").fetchone()
    db.close()
    async with connect(f"sqlite:///{path}"):
        conf = Config.get_conf(None, identifier=7, cog_name="Old")
        conf.init_custom("SCORE", 2)
        assert await conf.custom("SCORE", "old")() == {"kept": {"points": 3}, "num": 12}
    db = sqlite3.connect(path)
    kinds = {row[0] for row in db.execute("SELECT typeof(data) FROM plughost_config")}
    db.close()
    assert kinds == {"text"}
