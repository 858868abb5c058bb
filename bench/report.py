"""bench/RESULTS.md from one run's figures (and, optionally, an earlier run's for before/after)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

Cell = dict[str, Any]
SLACK_OPEN_PER_MIN = 50  # conversations.open is Tier 3 (50+/min): one per reminder DM

INTRO = """\
# KLU-bot benchmark results

Written by `python -m bench` (see bench/README.md); every figure below comes from the run
described under *Machine*. Latency is what a client sees on loopback: from sending a signed
Slack request to reading the whole answer, through gunicorn (the Procfile's 2 workers x 4
threads) and Bolt, with persistent HTTP/1.1 connections, one per client thread. The bare
Bolt app (bench/bare_app.py) only acknowledges and is served the same way. The load
generator, the Slack stand-in and the servers share the machine's cores, and so do any other
processes running at the time (see the load averages): compare figures within one run.
"""


def _f(value: Any, digits: int = 1) -> str:
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _table(head: list[str], rows: Iterable[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(_f(v) for v in row) + " |" for row in rows]
    return [*out, ""]


def _machine(out: dict[str, Any]) -> list[str]:
    m = out.get("machine", {})
    pk = ", ".join(f"{k} {v}" for k, v in m.get("packages", {}).items())
    lines = [
        "## Machine",
        "",
        f"- Date: {m.get('date')}; commit {m.get('commit')}",
        f"- CPU: {m.get('cpu')}, {m.get('cores')} cores; {m.get('memory_gb')} GB RAM",
        f"- OS: {m.get('os')}; Python {m.get('python')}",
        f"- SQLite {m.get('sqlite')}; PostgreSQL: {m.get('postgresql')}",
        f"- Packages: {pk}",
        "- Load average (1/5/15 min) at each stage: "
        + "; ".join(f"{k}: {v}" for k, v in out.get("load", {}).items()),
        f"- Whole run: {out.get('seconds', 0):.0f} s" + (" (--quick)" if out.get("quick") else ""),
        "",
    ]
    return lines


def _best_bare(cells: list[Cell], kind: str, clients: int) -> float:
    bare = [
        c["rps"]
        for c in cells
        if c["app"].startswith("bare") and c["clients"] == clients and _kind(c) == kind
    ]
    return max(bare) if bare else 0.0


def _kind(cell: Cell) -> str:
    return "event" if "event" in cell["request"] else "command"


def _http(out: dict[str, Any]) -> list[str]:
    cells: list[Cell] = out.get("http", [])
    if not cells:
        return []
    lines = ["## Acknowledge latency and throughput", ""]
    rows = []
    for c in cells:
        best = _best_bare(cells, _kind(c), c["clients"])
        share = f"{c['rps'] / best:.2f}" if best and not c["app"].startswith("bare") else ""
        drain = c.get("drain_s")
        rows.append(
            [c["app"], c["db"], c["request"], c["clients"], c["n"], c["p50"], c["p99"],
             c["rps"], share, c["errors"], f"{drain:.2f}" if drain is not None else ""]
        )  # fmt: skip
    lines += _table(
        ["app", "database", "request", "clients", "requests", "p50 ms", "p99 ms", "req/s",
         "x fastest bare", "errors", "all done after, s"],
        rows,
    )  # fmt: skip
    lines.append(
        "*x fastest bare*: this row's requests per second over the fastest bare Bolt app's at "
        "the same concurrency for the same kind of request (slash command or event). "
        "*all done after*: from the first request of the run until the work it caused was "
        "done too (stored events worked on, due outbox rows sent to the stand-in); the next "
        "run starts only then. A regrets reply is answered once stored (bot/inbox.py) and "
        "worked on by the web process's worker right after, so its answer and its work are "
        "shown apart. `/klu bruttoliste` and `/klu næste` are read-only and repeat the same "
        "question here, so after the first request they are answered from the remembered "
        "answers (handlers/slack/answers.py), which are checked against the data revisions "
        "on every request; their cost without that is under *Cost against data size* "
        "(answers kept off)."
    )
    lines.append("")
    mem = out.get("http_memory_mb", {})
    lines += ["Peak resident memory of a web worker (VmHWM, largest of the two):", ""]
    lines += _table(["server", "MB"], [[k, v] for k, v in mem.items()])
    return lines


def _scale(out: dict[str, Any]) -> list[str]:
    cells: list[Cell] = out.get("scale", [])
    if not cells:
        return []
    lines = ["## Cost against data size (one client)", ""]
    small = {
        (c["db"], c["request"], c.get("cache", "on")): c for c in cells if c["size"] == "small"
    }
    rows = []
    for c in cells:
        if c["size"] != "large":
            continue
        cache = c.get("cache", "on")
        s = small.get((c["db"], c["request"], cache))
        if s is None:
            continue
        rows.append(
            [c["db"], cache, c["request"], s["p50"], c["p50"], c["p50"] / s["p50"], s["p99"],
             c["p99"]]
        )  # fmt: skip
    if cells:
        sm = next(c for c in cells if c["size"] == "small")
        lg = next(c for c in cells if c["size"] == "large")
        lines.append(
            f"Small: {sm['topics']:,} topics and {sm['meetings']:,} meetings; large: "
            f"{lg['topics']:,} topics and {lg['meetings']:,} meetings (half the topics on the "
            "bruttoliste, half the meetings still to come, four agenda items each), in two "
            f"databases side by side, measured in {lg.get('rounds', 1)} rounds that alternate "
            "between them; each row is the round with the median p50. "
            "*answers kept*: on is the server as deployed; off (KLU_ANSWER_CACHE=0) computes "
            "every answer, which is what a question asked for the first time after a change "
            "costs. The target is judged on off."
        )
        lines.append("")
    lines += _table(
        ["database", "answers kept", "request", "p50 small ms", "p50 large ms", "ratio",
         "p99 small ms", "p99 large ms"],
        rows,
    )  # fmt: skip
    mem = out.get("scale_memory_mb", {})
    lines += _table(["server", "peak worker MB"], [[k, v] for k, v in mem.items()])
    seeds = out.get("seed_seconds", {})
    if seeds:
        lines.append(
            "Seeding (migrate + bulk insert, s): "
            + ", ".join(f"{k} {v:.1f}" for k, v in seeds.items())
        )
        lines.append("")
    return lines


def _startup(out: dict[str, Any]) -> list[str]:
    rows = out.get("startup")
    if not rows:
        return []
    lines = ["## Start-up: `klu-bot` commands, each a fresh process", ""]
    lines += _table(
        ["command", "database", "median, s", "worst, s"],
        [
            [f"`{r['command']}`", "yes" if r.get("database") else "no",
             f"{r['median_s']:.3f}", f"{r['max_s']:.3f}"]
            for r in rows
        ],
    )  # fmt: skip
    floors = out.get("startup_floors") or []
    if floors:
        lines += [
            "What a command that opens the database cannot beat: the interpreter and the "
            "decided stack's drivers imported alone, nothing of KLU-bot's.",
            "",
        ]
        lines += _table(
            ["floor", "median, s", "worst, s"],
            [[f"`{r['floor']}`", f"{r['median_s']:.3f}", f"{r['max_s']:.3f}"] for r in floors],
        )
    return [*lines, ""]


def _fanout(out: dict[str, Any]) -> list[str]:
    f = out.get("fanout")
    if not f:
        return []
    n = f["recipients"]
    limit_min = n / SLACK_OPEN_PER_MIN
    lines = ["## Fan-out: reminders from the clock", ""]
    lines += _table(
        ["figure", "value"],
        [
            ["members with Slack (one DM each)", n],
            ["planning (plan_reminders), s wall", f["plan_s"]],
            ["planning, s CPU", f["plan_cpu_s"]],
            ["sending (dispatch rounds), s wall", f["send_s"]],
            ["sending, s CPU", f["send_cpu_s"]],
            ["dispatch rounds", f["ticks"]],
            ["bot CPU per reminder, ms", (f["plan_cpu_s"] + f["send_cpu_s"]) / n * 1000],
            ["wall per reminder, ms", (f["plan_s"] + f["send_s"]) / n * 1000],
            ["peak memory of the clock process, MB", f["peak_mb"]],
            ["outbox rows sent (Slack)", f["sent_rows"]],
            ["chat.postMessage calls at the stand-in", f["posts"]],
            ["distinct DM channels", f["channels"]],
            ["channels that got more than one", f["repeated"]],
            ["enqueued by a second planning round", f["second_round"]],
        ],
    )  # fmt: skip
    lines.append(
        f"Slack allows conversations.open (Tier 3) about {SLACK_OPEN_PER_MIN} times a minute, "
        f"so {n:,} first-time DMs take Slack about {limit_min:,.0f} minutes; the bot's own "
        "share is the CPU figure above. (The roster's own members also count: the 14 sample "
        "people, two of them on Slack, the rest by e-mail, which is not sent here.)"
    )
    lines.append("")
    return lines


def _invites(out: dict[str, Any]) -> list[str]:
    i = out.get("invites")
    if not i:
        return []
    lines = ["## Invitations", ""]
    lines += _table(
        ["figure", "value"],
        [
            [f"one invitation (.ics + iMIP e-mail), median of {i['samples']}, ms", i["one_ms"]],
            ["invitees (e-mail only)", i["count"]],
            ["send_invitations (build .ics + outbox rows), s", i["build_s"]],
            ["dispatch to aiosmtpd on 127.0.0.1 (build MIME + SMTP), s", i["send_s"]],
            ["messages received", i["received"]],
            ["distinct recipients", i["distinct"]],
            ["messages with a text/calendar part", i["calendars"]],
            ["peak memory of the process, MB", i["peak_mb"]],
        ],
    )  # fmt: skip
    lines.append("(The 14 sample roster members are invited too.)")
    lines.append("")
    return lines


def _find(cells: list[Cell], **want: Any) -> Cell | None:
    for c in cells:
        if all(c.get(k) == v for k, v in want.items()):
            return c
    return None


def _targets(out: dict[str, Any]) -> list[str]:
    http: list[Cell] = out.get("http", [])
    rows: list[list[Any]] = []

    def add(name: str, figure: str, ok: bool | None) -> None:
        rows.append([name, figure, "met" if ok else ("missed" if ok is not None else "n/a")])

    c = _find(http, app="KLU-bot", db="SQLite", request="/klu emne", clients=1)
    bare = _find(http, app="bare Bolt (default)", request="/klu emne", clients=1)
    add(
        "`/klu emne` p50 < 5 ms, one client (SQLite)",
        f"{c['p50']:.2f} ms (bare default Bolt: {bare['p50']:.2f} ms)" if c and bare else "-",
        c["p50"] < 5 if c else None,
    )
    worst = [x for x in http if x["app"] == "KLU-bot" and x["db"] == "SQLite"]
    top = [x for x in worst if x["clients"] == max((y["clients"] for y in worst), default=0)]
    if top:
        p99 = max(x["p99"] for x in top)
        add(f"p99 < 100 ms at {top[0]['clients']} clients (SQLite, worst request)",
            f"{p99:.1f} ms", p99 < 100)  # fmt: skip
    for clients in sorted({x["clients"] for x in http if x["clients"] > 1}):
        shares = []
        for x in http:
            if x["app"] == "KLU-bot" and x["clients"] == clients:
                best = _best_bare(http, _kind(x), clients)
                if best:
                    shares.append((x["rps"] / best, f"{x['db']} {x['request']}"))
        if shares:
            low = min(shares)
            add(f"throughput >= 0.5 x fastest bare at {clients} clients (lowest)",
                f"{low[0]:.2f} ({low[1]})", low[0] >= 0.5)  # fmt: skip
    starts = out.get("startup") or []
    for database in (False, True):
        some = [x for x in starts if bool(x.get("database")) == database]
        if some:
            slowest = max(some, key=lambda x: x["median_s"])
            add(f"CLI commands {'with' if database else 'without'} the database start in "
                "< 0.3 s (median, slowest)",
                f"{slowest['median_s']:.2f} s ({slowest['command']})",
                slowest["median_s"] < 0.3)  # fmt: skip
    ratios = []
    scale: list[Cell] = out.get("scale", [])
    for x in scale:
        if x["size"] == "large" and x.get("cache", "off") == "off":
            s = _find(scale, size="small", db=x["db"], request=x["request"], cache="off")
            if s:
                ratios.append((x["p50"] / s["p50"], f"{x['db']} {x['request']}"))
    if ratios:
        hi = max(ratios)
        add("large data within 1.3 x of small (p50, worst, answers computed every time)",
            f"{hi[0]:.2f} ({hi[1]})",
            hi[0] <= 1.3)  # fmt: skip
    f = out.get("fanout")
    if f:
        per = (f["plan_cpu_s"] + f["send_cpu_s"]) / f["recipients"] * 1000
        once = f["posts"] == f["channels"] == f["sent_rows"] and not f["repeated"]
        add("fan-out: bot work < 5 ms per reminder", f"{per:.2f} ms CPU", per < 5)
        add("fan-out: each recipient exactly once", f"{f['posts']} posts, {f['channels']} "
            f"channels, {f['repeated']} repeated, second round {f['second_round']}",
            once and f["second_round"] == 0)  # fmt: skip
    mems = list(out.get("http_memory_mb", {}).items()) + list(
        out.get("scale_memory_mb", {}).items()
    )
    klu = [(v, k) for k, v in mems if k.startswith("KLU")]
    if klu:
        peak = max(klu)
        add("web worker peak memory < 150 MB", f"{peak[0]:.1f} MB ({peak[1]})", peak[0] < 150)
    lines = ["## Targets", ""]
    lines += _table(["target", "measured", ""], rows)
    return lines


def _before(out: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    if not before:
        return []
    lines = [
        "## Before and after the fixes",
        "",
        f"Before: commit {before.get('machine', {}).get('commit')}, run "
        f"{before.get('machine', {}).get('date')}, load {before.get('load')}.",
        "",
    ]
    rows = []
    for key in ("http", "scale"):
        for b in before.get(key, []):
            if not b["app"].startswith(("KLU", "small", "large")):
                continue
            want = {k: b[k] for k in ("app", "db", "request", "clients")}
            if key == "scale":
                want |= {"size": b["size"], "cache": b.get("cache", "off")}
            a = _find(out.get(key, []), **want)
            if a:
                label = b["app"] if key == "http" else f"{b['size']} data"
                rows.append(
                    [label, b["db"], b["request"], b["clients"], b["p50"], a["p50"], b["p99"],
                     a["p99"], b["rps"], a["rps"]]
                )  # fmt: skip
    lines += _table(
        ["run", "database", "request", "clients", "p50 before", "p50 after", "p99 before",
         "p99 after", "req/s before", "req/s after"],
        rows,
    )  # fmt: skip
    for key, field, label in (
        ("fanout", None, "fan-out bot CPU per reminder, ms"),
        ("invites", "one_ms", "one invitation, ms"),
        ("invites", "build_s", "send_invitations for all, s"),
    ):
        b, a = before.get(key), out.get(key)
        if not b or not a:
            continue
        if field is None:
            bv = (b["plan_cpu_s"] + b["send_cpu_s"]) / b["recipients"] * 1000
            av = (a["plan_cpu_s"] + a["send_cpu_s"]) / a["recipients"] * 1000
        else:
            bv, av = b[field], a[field]
        lines.append(f"- {label}: {bv:,.2f} before, {av:,.2f} after")
    lines.append("")
    return lines


def write_report(path: Path, out: dict[str, Any], before: dict[str, Any] | None) -> None:
    """Render every section that was run."""
    lines = [INTRO]
    lines += _targets(out)
    lines += _machine(out)
    lines += _http(out)
    lines += _scale(out)
    lines += _fanout(out)
    lines += _invites(out)
    lines += _startup(out)
    lines += _before(out, before)
    path.write_text("\n".join(lines))
