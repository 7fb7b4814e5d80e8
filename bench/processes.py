"""Each bot its own process, against one local Discord in a process of its own.

    python bench/processes.py [--rounds 5] [--pings 300] [--chatter 2000] [--payday 500]
                              [--no-bytecode]

The bots: ``plughost run NAME --discord-url ...`` (a real instance in a temporary
PLUGHOST_HOME on SQLite, the economy cog loaded), a bare interactions.py client
with one prefixed ``!ping`` and, as a second reference, a bare discord.py
``commands.Bot`` with the same command. discord.py is only needed here:
``pip install discord.py``; without it that column says "not installed".

The local Discord is ``bench/local_discord.py``, started once. Only one bot can
hold shard 0 of it at a time, so each round starts every bot in turn (the order
rotates between rounds), measures it, and stops it; the table shows medians over
rounds, and each ratio is the median of the per-round ratios (the machine is
shared, so only ratios within a round are comparable):

- ``!ping`` round trip: sequential ``!ping``s, from the message being posted to
  the reply reaching the local Discord (timed in the emulator's process).
- bot CPU per ``!ping``: the bot process's CPU time over those ``!ping``s (less
  swayed by other processes than the wall-clock round trip).
- CPU per chatter message: plain messages that no command matches, posted at
  once, then one ``!ping`` as a fence; the bot process's utime + stime from
  ``/proc/PID/stat`` before and after, less one ``!ping``'s CPU, per message.
- ``!payday`` by N members: each of N members runs it once (plughost only).
- ready after start: from spawning the process to its first ``!ping`` answered.
- bot CPU to ready: the process's utime + stime at that moment (less swayed by
  the other processes on a shared machine than the wall-clock figure).
- resident memory: VmRSS at the end of the round.

``--listen`` gives every bot a listener for every message (plughost: an installed
cog, ``benchlisten``, written into the temporary home; interactions.py: an
Extension's ``listen(MessageCreate)``; discord.py: ``bot.listen("on_message")``):
the case where plughost's fast path must stand aside.

Bytecode: before the rounds, plughost's own sources and the first-party cogs' are
compiled to ``__pycache__`` (what ``pip install`` does for a wheel, and what the
libraries in site-packages already have). An editable install under
``PYTHONDONTWRITEBYTECODE=1`` otherwise recompiles its ~150 modules at every start
(measured about 0.15-0.2 s of CPU here), which no installed bot pays.
``--no-bytecode`` skips this, to measure that case.

``--fast-libs DIR`` adds a bare interactions.py bot and a ``plughost run`` with
uvloop and orjson importable from DIR (``pip install --target DIR uvloop orjson``,
so that the other bots run without them): interactions.py then decodes the
gateway with orjson, and both run on uvloop's event loop (``Client.start`` and
plughost's runner pick it when it is installed).

``--instructions`` runs every bot under valgrind's callgrind instead, and counts
the instructions its process executes (all threads, user space) per ``!ping`` and
per chatter message, collection switched on only around those two batches
(``callgrind_control``). Unlike CPU time, a count does not move with the load of
a shared machine: one round gives the same figures within about a percent. It
counts work, not time (cache misses, system calls and waits are not in it), so it
complements the timed rounds rather than replacing them; it needs ``valgrind``,
and each bot starts about 30 times slower.

``--baseline SRC`` adds a ``plughost run`` whose ``plughost`` package is imported
from SRC, a folder holding another version of it (``git archive main plughost |
tar -x -C SRC``), started from SRC so that the working tree's package does not
shadow it; cogs and libraries stay this environment's. Its column and the ratio
``plughost / baseline`` measure a change side by side, in the same rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

HERE = Path(__file__).resolve().parent
ME = [sys.executable, str(HERE / "processes.py")]
LOCAL_DISCORD = [sys.executable, str(HERE / "local_discord.py")]
INTENTS_NOTE = "DEFAULT | MESSAGE_CONTENT | GUILD_MEMBERS"


# -- the bare bots, run as `python bench/processes.py --bot KIND API TOKEN` ------------


LISTENING_COG = '''
import interactions
from interactions.api.events import MessageCreate
from plughost.cogs import Cog

class BenchListen(Cog):
    """Listens to every message (bench/processes.py --listen)."""

    @interactions.listen(MessageCreate)
    async def on_message(self, event):
        self.heard = event.message.id
'''


def write_listening_cog(root: Path) -> None:
    """An installed distribution (a package and its .dist-info) with one cog."""
    (root / "phbench_listen.py").write_text(LISTENING_COG)
    info = root / "phbench_listen-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: phbench-listen\nVersion: 1.0\nRequires-Dist: plughost\n"
    )
    (info / "entry_points.txt").write_text(
        "[plughost.cogs]\nbenchlisten = phbench_listen:BenchListen\n"
    )
    (info / "RECORD").write_text("phbench_listen.py,,\n")


def run_bare_interactions(api: str, token: str, listen: bool) -> None:
    import interactions
    from interactions.api.events import MessageCreate
    from interactions.api.http.route import Route
    from interactions.ext import prefixed_commands as prefixed

    Route.BASE = api
    intents = (
        interactions.Intents.DEFAULT
        | interactions.Intents.MESSAGE_CONTENT
        | interactions.Intents.GUILD_MEMBERS
    )
    client = interactions.Client(intents=intents)
    prefixed.setup(client, default_prefix="!")
    # interactions.py's 45 requests/s throttle stays on, as plughost's bot keeps it.

    class Pong(interactions.Extension):
        @prefixed.prefixed_command(name="ping")
        async def ping(self, ctx: prefixed.PrefixedContext) -> None:
            await ctx.send("pong")

    class Listen(interactions.Extension):
        @interactions.listen(MessageCreate)
        async def on_message(self, event: MessageCreate) -> None:
            self.heard = event.message.id

    Pong(client)
    if listen:
        Listen(client)
    client.start(token)


def run_bare_discord_py(api: str, token: str, listen: bool) -> None:
    import discord
    import yarl
    from discord.ext import commands
    from discord.gateway import DiscordWebSocket

    discord.http.Route.BASE = api
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
        api.split("/api/", maxsplit=1)[0].replace("http", "ws", 1)
    )
    DiscordWebSocket.DEFAULT_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY.with_path("/gateway")
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    bot = commands.Bot(command_prefix="!", intents=intents, help_command=None)

    @bot.command(name="ping")
    async def ping(ctx: commands.Context[Any]) -> None:
        await ctx.send("pong")

    if listen:

        @bot.listen("on_message")
        async def heard(message: discord.Message) -> None:
            bot.heard = message.id  # type: ignore[attr-defined]

    bot.run(token, log_handler=None)


def compile_bytecode() -> list[str]:
    """Compile plughost's and the first-party cogs' sources as ``pip install`` would.

    ``compileall`` writes ``__pycache__`` whatever ``PYTHONDONTWRITEBYTECODE`` says;
    files that are current are left alone. Returns the folders it compiled.
    """
    folders = []
    for package in ("plughost", "plughost_economy", "plughost_moderation", "plughost_reminders"):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            if not compileall.compile_dir(folder, quiet=1):
                raise RuntimeError(f"compiling {folder} failed")
            folders.append(folder)
    return folders


# -- measuring a process ---------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Figures:
    ping_ms: list[float] = field(default_factory=list)
    ping_cpu_us: list[float] = field(default_factory=list)
    chatter_us: list[float] = field(default_factory=list)
    payday_ms: list[float] = field(default_factory=list)
    ready_s: list[float] = field(default_factory=list)
    ready_cpu_s: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    ping_instructions: list[float] = field(default_factory=list)
    chatter_instructions: list[float] = field(default_factory=list)


class Driver:
    def __init__(self, control: str, session: aiohttp.ClientSession) -> None:
        self.control = control
        self.session = session

    async def call(self, op: str, **body: Any) -> dict[str, Any]:
        async with self.session.post(f"{self.control}/{op}", json=body) as response:
            answer: dict[str, Any] = await response.json()
        if "error" in answer:
            raise RuntimeError(f"local Discord, {op}: {answer['error']}")
        return answer


@dataclass
class Bot:
    name: str
    command: Callable[[int], list[str]]
    """The command line for round ``n``."""
    env: Callable[[int], dict[str, str]]
    payday: bool = False
    cwd: str | None = None
    """Where the process starts (None: here)."""
    figures: Figures = field(default_factory=Figures)


async def measure(
    bot: Bot, driver: Driver, args: argparse.Namespace, round_no: int, readies: list[int]
) -> None:
    started = time.perf_counter()
    line = bot.command(round_no)
    proc = await asyncio.create_subprocess_exec(
        *line,
        env=bot.env(round_no),
        cwd=bot.cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        readies[0] += 1
        await driver.call("ready", count=readies[0], timeout=60)
        bot.figures.ready_s.append(time.perf_counter() - started)
        bot.figures.ready_cpu_s.append(cpu_seconds(proc.pid))
        await driver.call("commands", content="!ping", n=20)  # warm up
        cpu = cpu_seconds(proc.pid)
        pings = await driver.call("commands", content="!ping", n=args.pings)
        ping_cpu = (cpu_seconds(proc.pid) - cpu) / args.pings
        if not pings["replies"][0].startswith("pong"):
            raise RuntimeError(f"{bot.name} answered !ping with {pings['replies'][0]!r}")
        bot.figures.ping_ms.append(statistics.median(pings["ms"]))
        bot.figures.ping_cpu_us.append(ping_cpu * 1e6)
        cpu = cpu_seconds(proc.pid)
        await driver.call("chatter", n=args.chatter)
        spent = cpu_seconds(proc.pid) - cpu - ping_cpu
        bot.figures.chatter_us.append(spent / args.chatter * 1e6)
        if bot.payday:
            authors = [f"member{i}" for i in range(args.payday)]
            paid = await driver.call("commands", content="!payday", n=args.payday, authors=authors)
            if "No payday" in paid["replies"][0]:
                raise RuntimeError(f"payday refused: {paid['replies'][0]!r}")
            bot.figures.payday_ms.append(statistics.median(paid["ms"]))
        bot.figures.rss_mb.append(rss_mb(proc.pid))
    finally:
        await stop(proc, 30)


async def stop(proc: asyncio.subprocess.Process, grace: float) -> None:
    """SIGTERM, as an operator stops a bot; SIGKILL if it has not exited within ``grace`` s."""
    proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), grace)
    except TimeoutError:
        proc.kill()
        await proc.wait()


def callgrind_totals(path: Path) -> int:
    """The instructions a callgrind dump counted (its ``totals:`` line)."""
    for line in path.read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise RuntimeError(f"{path}: no totals line (did callgrind dump?)")


async def callgrind_control(*args: str) -> None:
    control = await asyncio.create_subprocess_exec(
        "callgrind_control", *args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if await control.wait() != 0:
        raise RuntimeError(f"callgrind_control {' '.join(args)} failed")


async def measure_instructions(
    bot: Bot, driver: Driver, args: argparse.Namespace, round_no: int, readies: list[int]
) -> None:
    """`measure`'s ``!ping`` and chatter batches, counted in instructions under callgrind."""
    out = Path(tempfile.mkdtemp(prefix="plughost-callgrind-")) / "callgrind.out"
    line = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",  # startup is not counted: only the batches below
        f"--callgrind-out-file={out}",
        *bot.command(round_no),
    ]
    proc = await asyncio.create_subprocess_exec(
        *line,
        env=bot.env(round_no),
        cwd=bot.cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pid = str(proc.pid)  # valgrind runs the program in its own process
    try:
        readies[0] += 1
        await driver.call("ready", count=readies[0], timeout=900)
        await driver.call("commands", content="!ping", n=20)  # warm up
        await callgrind_control("--instr=on", pid)
        pings = await driver.call("commands", content="!ping", n=args.pings)
        await callgrind_control("--instr=off", pid)
        await callgrind_control("--dump=pings", pid)  # each dump counts since the last
        if not pings["replies"][0].startswith("pong"):
            raise RuntimeError(f"{bot.name} answered !ping with {pings['replies'][0]!r}")
        await callgrind_control("--instr=on", pid)
        await driver.call("chatter", n=args.chatter)
        await callgrind_control("--instr=off", pid)
        await callgrind_control("--dump=chatter", pid)
    finally:
        await stop(proc, 60)
    ping, chatter = (callgrind_totals(Path(f"{out}.{n}")) for n in (1, 2))
    shutil.rmtree(out.parent)
    bot.figures.ping_instructions.append(ping / args.pings)
    # Less the fence: one !ping after the chatter (see local_discord.py's /chatter).
    bot.figures.chatter_instructions.append((chatter - ping / args.pings) / args.chatter)


def plughost_instance(home: Path, round_no: int, listen: bool) -> str:
    """A fresh SQLite instance per round (so every member's payday is due), economy loaded."""
    os.environ["PLUGHOST_HOME"] = str(home)
    from plughost.config import Config, connect
    from plughost.instances import create

    name = f"bench{round_no}"
    instance = create(name, backend="sqlite", prefix="!", owners=(), token=None)

    async def load_economy() -> None:
        async with connect(instance.dsn):
            # The cog manager's stored set (plughost.cogs.manager), as `!load economy` leaves it.
            conf = Config.get_conf(None, identifier=0x0C06, cog_name="plughost.cogs")
            cogs = ["economy", "benchlisten"] if listen else ["economy"]
            await conf.set_raw("loaded", value=cogs)

    asyncio.run(load_economy())
    return name


def table(bots: list[Bot], args: argparse.Namespace) -> str:
    by_name = {b.name: b for b in bots}
    plug, bare = by_name["plughost run"], by_name["bare interactions.py"]
    rows: list[tuple[str, str, int]] = [
        ("`!ping` round trip", "ping_ms", 2),
        ("bot CPU per `!ping`", "ping_cpu_us", 0),
        ("CPU per chatter message", "chatter_us", 0),
        (f"`!payday` by {args.payday} members", "payday_ms", 2),
        ("ready after start", "ready_s", 2),
        ("bot CPU to ready", "ready_cpu_s", 2),
        ("resident memory", "rss_mb", 0),
        ("instructions per `!ping`", "ping_instructions", 0),
        ("instructions per chatter message", "chatter_instructions", 0),
    ]
    units = {
        "ping_ms": "ms",
        "chatter_us": "µs",
        "ping_cpu_us": "µs",
        "payday_ms": "ms",
        "ready_s": "s",
        "ready_cpu_s": "s",
        "rss_mb": "MB",
        "ping_instructions": "",
        "chatter_instructions": "",
    }
    pairs = [(plug, bare, "plughost / bare interactions.py")]
    if "plughost run + uvloop/orjson" in by_name:
        fast_plug = by_name["plughost run + uvloop/orjson"]
        fast_bare = by_name["bare interactions.py + uvloop/orjson"]
        pairs += [
            (fast_plug, fast_bare, "both + uvloop/orjson"),
            (fast_plug, plug, "plughost + uvloop/orjson / plughost"),
        ]
    if "plughost run (baseline)" in by_name:
        pairs.append((plug, by_name["plughost run (baseline)"], "plughost / baseline"))
    heads = [f"`{b.name}`" if b.name.startswith("plughost") else b.name for b in bots]
    lines = [
        "| | " + " | ".join(heads) + " | " + " | ".join(p[2] for p in pairs) + " |",
        "|---|" + "---|" * (len(bots) + len(pairs)),
    ]
    for label, attr, digits in rows:
        if not any(getattr(bot.figures, attr) for bot in bots):
            continue  # not measured in this mode (see --instructions)
        cells = []
        for bot in bots:
            values: list[float] = getattr(bot.figures, attr)
            # Instruction counts in thousands' groups (millions per !ping), the rest as is.
            sep = "," if attr.endswith("instructions") else ""
            cells.append(
                f"{statistics.median(values):{sep}.{digits}f} {units[attr]}".rstrip()
                if values
                else ""
            )
        ratios = []
        for ours_bot, theirs_bot, _ in pairs:
            ours, theirs = getattr(ours_bot.figures, attr), getattr(theirs_bot.figures, attr)
            ratios.append(
                f"{statistics.median(a / b for a, b in zip(ours, theirs, strict=True)):.2f}x"
                if ours and theirs
                else ""
            )
        lines.append(f"| {label} | {' | '.join(cells)} | {' | '.join(ratios)} |")
    return "\n".join(lines)


def bots_to_run(
    args: argparse.Namespace, info: dict[str, str], base_env: dict[str, str], names: dict[int, str]
) -> list[Bot]:
    """The bots a run measures, as ``args`` asks (listeners, fast libraries, a baseline)."""
    listen = ["--listen"] if args.listen else []
    bots = [
        Bot(
            "bare discord.py",
            lambda n: [*ME, "--bot", "dpy", *listen, info["api"], info["token"]],
            lambda n: base_env,
        ),
        Bot(
            "bare interactions.py",
            lambda n: [*ME, "--bot", "ipy", *listen, info["api"], info["token"]],
            lambda n: base_env,
        ),
        Bot(
            "plughost run",
            lambda n: [
                sys.executable,
                "-m",
                "plughost",
                "run",
                names[n],
                "--discord-url",
                info["api"],
            ],
            lambda n: base_env,
            payday=True,
        ),
    ]
    if args.fast_libs:
        fast_env = {
            **base_env,
            "PYTHONPATH": os.pathsep.join(
                p for p in (args.fast_libs, base_env.get("PYTHONPATH", "")) if p
            ),
        }
        bots += [
            Bot(
                "bare interactions.py + uvloop/orjson",
                bots[1].command,
                lambda n: fast_env,
            ),
            Bot(
                "plughost run + uvloop/orjson",
                # Its own instances: every member's payday is due in each.
                lambda n: bots[2].command(n + args.rounds),
                lambda n: fast_env,
                payday=True,
            ),
        ]
    if args.baseline:
        source = args.baseline  # resolved, and checked to hold plughost (see __main__)
        baseline_env = {
            **base_env,
            "PYTHONPATH": os.pathsep.join(p for p in (source, base_env.get("PYTHONPATH", "")) if p),
        }
        bots.append(
            Bot(
                "plughost run (baseline)",
                # Its own instances: every member's payday is due in each.
                lambda n: bots[2].command(n + args.rounds * (2 if args.fast_libs else 1)),
                lambda n: baseline_env,
                payday=True,
                cwd=source,
            )
        )
    return bots


async def main(args: argparse.Namespace, home: Path, names: dict[int, str]) -> None:
    try:
        import discord  # noqa: F401
    except ImportError:
        have_dpy = False
        print("discord.py is not installed (pip install discord.py): its column stays empty")
    else:
        have_dpy = True
    emulator = await asyncio.create_subprocess_exec(
        *LOCAL_DISCORD, "--members", str(args.payday), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert emulator.stdout is not None
    info = json.loads(await emulator.stdout.readline())
    base_env = {**os.environ, "PLUGHOST_HOME": str(home), "PLUGHOST_TOKEN": info["token"]}
    if args.listen:
        cogs = home / "cogs-site"
        base_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(cogs), os.environ.get("PYTHONPATH", "")) if p
        )
    bots = bots_to_run(args, info, base_env, names)
    runnable = [b for b in bots if have_dpy or b.name != "bare discord.py"]
    if args.no_bytecode:
        print("plughost's sources are not precompiled (--no-bytecode)")
    else:
        print(f"bytecode compiled in {', '.join(compile_bytecode())}")
    readies = [0]
    print(f"load before: {os.getloadavg()}", flush=True)
    try:
        async with aiohttp.ClientSession() as session:
            driver = Driver(info["control"], session)
            for round_no in range(args.rounds):
                order = runnable[round_no % len(runnable) :] + runnable[: round_no % len(runnable)]
                for bot in order:
                    if args.instructions:
                        await measure_instructions(bot, driver, args, round_no, readies)
                        f = bot.figures
                        print(
                            f"round {round_no + 1} {bot.name}: "
                            f"{f.ping_instructions[-1]:,.0f} instructions per !ping, "
                            f"{f.chatter_instructions[-1]:,.0f} per chatter message",
                            flush=True,
                        )
                        continue
                    await measure(bot, driver, args, round_no, readies)
                    f = bot.figures
                    print(
                        f"round {round_no + 1} {bot.name}: ping {f.ping_ms[-1]:.2f} ms, "
                        f"chatter {f.chatter_us[-1]:.0f} µs, ready {f.ready_s[-1]:.2f} s, "
                        f"rss {f.rss_mb[-1]:.0f} MB"
                        + (f", payday {f.payday_ms[-1]:.2f} ms" if f.payday_ms else ""),
                        flush=True,
                    )
    finally:
        assert emulator.stdin is not None
        emulator.stdin.close()
        try:
            await asyncio.wait_for(emulator.wait(), 10)
        except TimeoutError:
            emulator.kill()
    print(f"load after: {os.getloadavg()}")
    print()
    print(
        f"{args.rounds} interleaved rounds, medians; {args.pings} x !ping, "
        f"{args.chatter} chatter messages per round; intents {INTENTS_NOTE}"
        + ("; every bot listens to every message" if args.listen else "")
    )
    print(table(bots, args))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pings", type=int, default=300)
    parser.add_argument("--chatter", type=int, default=2000)
    parser.add_argument("--payday", type=int, default=500)
    parser.add_argument("--listen", action="store_true", help="every bot listens to messages")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="do not precompile plughost's sources"
    )
    parser.add_argument("--fast-libs", metavar="DIR", help="also run bots with uvloop and orjson")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions under callgrind"
    )
    parser.add_argument(
        "--baseline", metavar="SRC", help="also run plughost imported from SRC (a folder)"
    )
    parser.add_argument("--bot", choices=["ipy", "dpy"], help=argparse.SUPPRESS)
    parser.add_argument("api", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("token", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bot == "ipy":
        run_bare_interactions(args.api, args.token, args.listen)
    elif args.bot == "dpy":
        run_bare_discord_py(args.api, args.token, args.listen)
    else:
        if args.baseline:
            args.baseline = str(Path(args.baseline).resolve())
            if not (Path(args.baseline) / "plughost" / "__init__.py").is_file():
                raise SystemExit(f"--baseline {args.baseline}: no plughost package in that folder")
        home = Path(tempfile.mkdtemp(prefix="plughost-bench-"))
        if args.listen:
            (home / "cogs-site").mkdir(parents=True)
            write_listening_cog(home / "cogs-site")
        count = args.rounds * (2 if args.fast_libs else 1) * (2 if args.baseline else 1)
        names = {n: plughost_instance(home, n, args.listen) for n in range(count)}
        asyncio.run(main(args, home, names))
