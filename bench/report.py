#!/usr/bin/env python3
"""Writes RESULTS.md (to stdout) from the raw results bench/run keeps in RESULTS_DIR
(machine.json, route.json, storage.jsonl, mail.jsonl, http.jsonl, *.meta.json, profile.txt)
and appends the hand-written ANALYSIS.md, so a rerun never loses the analysis.

    bench/report.py RESULTS_DIR [ANALYSIS.md] > RESULTS.md
"""
import json
import os
import re
import sys

# The targets of issue 6, on this machine with the load generator on the same box.
TARGET_TICKETS_AT_64 = 10_000
TARGET_P99_AT_64_MS = 50
TARGET_WRITER_VS_RAW = 0.5
TARGET_ROUTE_EXAMPLE_US = 20
TARGET_ROUTE_GROWTH = 10


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def load_lines(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError):
        return []


def num(value, digits=0):
    if value is None:
        return "—"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def pct(value):
    return "—" if value is None else f"{value * 100:.0f}%"


def verdict(ok):
    return "—" if ok is None else ("✅ met" if ok else "❌ not met")


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def measured_line(results, section):
    meta = load_json(os.path.join(results, f"{section}.meta.json"))
    if not meta:
        return ""
    quick = " — **quick smoke run, not a measurement**" if meta.get("quick") else ""
    return f"_Measured {meta['date']} at commit `{meta['commit']}`{quick}._\n"


def route_times(route):
    """{run_name: µs} for each benchmark, the median of repetitions when there are some."""
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
    times, medians = {}, {}
    for b in (route or {}).get("benchmarks", []):
        us = b["real_time"] * scale.get(b.get("time_unit", "ns"), 1e-3)
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = us
        else:
            times.setdefault(name, us)
    times.update(medians)
    return times


def find_time(times, pattern):
    for name, us in times.items():
        if re.fullmatch(pattern, name):
            return name, us
    return None, None


def cluster_section(results):
    """Issue 20: bench/cluster's configurations side by side, and the migrate-db run."""
    cluster = load_lines(os.path.join(results, "cluster.jsonl"))
    migrate = load_json(os.path.join(results, "migrate.json"))
    if not cluster and not migrate:
        return []
    out = ["## One node, two nodes, SQLite and PostgreSQL (issue 20)\n", measured_line(results, "cluster")]
    if cluster:
        build = cluster[0].get("build_type", "?")
        out.append(f"`bench/cluster`: POST /api/v1/tickets with wrk (`bench/post_ticket.lua`, "
                   f"{cluster[0]['connections']} connections, {num(cluster[0]['seconds'])} s each; for two nodes "
                   "half of them on each node, p50/p99 of the worse node), a {build} build. PostgreSQL 15 runs on "
                   "this box with fsync, synchronous_commit and full_page_writes on; the pgbench row is the "
                   "database's own ceiling: one transaction per ticket copying a stored ticket row and its "
                   "events (`bench/pg_ticket_insert.sql`). CPU busy is the share of both cores busy during the run "
                   "(load generator, daemons and server together).\n".replace("{build}", build))
        rows = []
        for r in cluster:
            rows.append([r["config"], num(r.get("tickets_per_s")), num(r.get("p50_ms"), 2), num(r.get("p99_ms"), 2),
                         pct(r.get("cpu_busy")), num(r.get("daemon_cpu_s"), 1) if r.get("daemon_cpu_s") else "—",
                         num(r.get("commits_per_s")) if "commits_per_s" in r else "—",
                         num(r.get("wal_fsyncs_per_s")) if "wal_fsyncs_per_s" in r else "—",
                         r.get("loadavg_before", "?"), num(r.get("errors"))])
        out.append(table(["Configuration", "Durable tickets/s", "p50 ms", "p99 ms", "CPU busy", "triaged CPU s",
                          "commits/s", "WAL fsyncs/s", "load avg before", "errors"], rows) + "\n")
    if migrate:
        out.append(f"`triagectl migrate-db` of a {num(migrate['tickets'])}-ticket SQLite database "
                   f"({migrate['sqlite_bytes'] / 1e6:,.0f} MB, made by `bench/make_sqlite_db`): "
                   f"{num(migrate['rows'])} rows in {len(migrate['tables'])} tables in {migrate['seconds']} s, "
                   f"**{num(migrate['rows_per_s'])} rows/s, {num(migrate['tickets_per_s'])} tickets/s**; counts "
                   f"verified: {'yes' if migrate['verified'] else '**no**'} (load average before: "
                   f"{migrate['loadavg_before']}, a {migrate.get('build_type', '?')} build).\n")
        rows = [[name, num(t["sqlite"]), num(t["postgresql"])] for name, t in migrate["tables"].items() if t["sqlite"]]
        out.append(table(["Table", "SQLite rows", "PostgreSQL rows"], rows) + "\n")
    return out


def main():
    results = sys.argv[1]
    analysis_path = sys.argv[2] if len(sys.argv) > 2 else None
    machine = load_json(os.path.join(results, "machine.json")) or {}
    route = load_json(os.path.join(results, "route.json"))
    storage = load_lines(os.path.join(results, "storage.jsonl"))
    mail = load_lines(os.path.join(results, "mail.jsonl"))
    http = load_lines(os.path.join(results, "http.jsonl"))
    out = []

    out.append("# Benchmark results\n")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    where = os.path.relpath(os.path.abspath(results), repo)
    out.append(f"Written by `bench/run` on {machine.get('date', '?')} at commit `{machine.get('commit', '?')}` "
               f"from the raw results in `{where}/`: do not edit by hand; the analysis is kept in "
               "`bench/ANALYSIS.md` and appended at the end. Reproduce with `bench/run` "
               "(`bench/run --help` for options).\n")
    if machine.get("quick"):
        out.append("> **Quick smoke run** (`bench/run --quick`): durations too short for the numbers to mean "
                   "much.\n")

    out.append("## Machine\n")
    out.append(table(["", ""], [
        ["CPU", f"{machine.get('cpu', '?')}, {machine.get('nproc', '?')} cores (nproc)"],
        ["Kernel", machine.get("kernel", "?")],
        ["Disk (database and WAL)", machine.get("disk", "?")],
        ["Compiler", machine.get("compiler", "?")],
        ["SQLite (libsqlite3-0)", machine.get("sqlite", "?")],
        ["wrk / nginx", f"{machine.get('wrk') or '—'} / {machine.get('nginx') or 'not installed'}"],
    ]))
    out.append("\nThe load generator, the daemon and the other benchmarks share these cores.\n")

    # --- targets -----------------------------------------------------------------------------
    by_target = {}
    for r in http:
        by_target.setdefault(r["target"], {})[r["connections"]] = r
    tickets64 = by_target.get("tickets", {}).get(64)
    times = route_times(route)
    example_name, example_us = find_time(times, r"BM_RouteExample.*")
    big_name, big_us = find_time(times, r"BM_RouteGenerated/10000.*")
    target_rows = []
    if tickets64:
        target_rows.append(["Durable tickets/s, 64 connections", f"≥ {TARGET_TICKETS_AT_64:,}",
                            num(tickets64["ok_per_s"]), verdict(tickets64["ok_per_s"] >= TARGET_TICKETS_AT_64)])
        target_rows.append(["p99 latency, 64 connections", f"< {TARGET_P99_AT_64_MS} ms",
                            f"{tickets64['p99_ms']:.1f} ms", verdict(tickets64["p99_ms"] < TARGET_P99_AT_64_MS)])
    else:
        target_rows.append(["Durable tickets/s and p99, 64 connections",
                            f"≥ {TARGET_TICKETS_AT_64:,}, p99 < {TARGET_P99_AT_64_MS} ms", "not measured", "—"])
    for r in storage:
        if r["batch"] >= 100:
            target_rows.append([f"Writer vs raw SQLite, batch {r['batch']}", f"≥ {TARGET_WRITER_VS_RAW:.0%}",
                                pct(r["writer_vs_raw"]), verdict(r["writer_vs_raw"] >= TARGET_WRITER_VS_RAW)])
    if not storage:
        target_rows.append(["Writer vs raw SQLite", f"≥ {TARGET_WRITER_VS_RAW:.0%}", "not measured", "—"])
    target_rows.append(["route() median, example rules", f"< {TARGET_ROUTE_EXAMPLE_US} µs",
                        "not measured" if example_us is None else f"{example_us:.2f} µs",
                        verdict(None if example_us is None else example_us < TARGET_ROUTE_EXAMPLE_US)])
    growth = big_us / example_us if big_us is not None and example_us else None
    target_rows.append(["route() at 10,000 topics", f"< {TARGET_ROUTE_GROWTH}× the example set",
                        "not measured" if growth is None else f"{big_us:.2f} µs = {growth:.1f}×",
                        verdict(None if growth is None else growth < TARGET_ROUTE_GROWTH)])
    out.append("## Targets (issue 6)\n")
    out.append(table(["Target", "Goal", "Measured", ""], target_rows) + "\n")

    # --- HTTP --------------------------------------------------------------------------------
    out.append("## HTTP intake\n")
    out.append(measured_line(results, "http"))
    if http:
        out.append("`wrk -t2 -cN -d… --latency -s bench/post_ticket.lua` (`-t1` for one connection) on the same "
                   "machine, keep-alive. **tickets**: `POST /api/v1/tickets` with about 1 KB of JSON, texts "
                   "rotating over the public samples, against a Release `triaged` (default `--threads 2`, "
                   "`synchronous=FULL`, group commit) on a fresh database: every 201 is durable. **healthz**: "
                   "`GET /healthz` of the same daemon (no routing, no storage). **nginx**: the same POSTs to "
                   "nginx answering a fixed 201. Errors: answers outside 2xx, then socket errors.\n")
        rows = []
        for target in ("tickets", "healthz", "nginx"):
            for c, r in sorted(by_target.get(target, {}).items()):
                errors = f"{r['errors_non_2xx']:,}"
                if r.get("non_2xx_by_status"):
                    errors += " (" + ", ".join(f"{k}: {v:,}" for k, v in sorted(r["non_2xx_by_status"].items())) + ")"
                if r["errors_socket"] or r["errors_timeout"]:
                    errors += f"; {r['errors_socket']:,} socket, {r['errors_timeout']:,} timeouts"
                rows.append([target, c, num(r["ok_per_s"]), f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}",
                             f"{r['p999_ms']:.2f}", f"{r['max_ms']:.1f}", errors])
        out.append(table(["Target", "Connections", "2xx/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "Errors"],
                         rows) + "\n")
        ratio_rows = []
        for c in sorted(by_target.get("tickets", {})):
            t = by_target["tickets"][c]["ok_per_s"]
            h = by_target.get("healthz", {}).get(c, {}).get("ok_per_s")
            n = by_target.get("nginx", {}).get(c, {}).get("ok_per_s")
            ratio_rows.append([c, num(t), num(h), num(n), pct(t / h) if h else "—", pct(t / n) if n else "—",
                               pct(h / n) if h and n else "—"])
        out.append("The cost of the real work, as ratios of requests/s:\n")
        out.append(table(["Connections", "tickets/s", "healthz/s", "nginx/s", "tickets ÷ healthz",
                          "tickets ÷ nginx", "healthz ÷ nginx"], ratio_rows) + "\n")
    else:
        out.append("Not measured yet.\n")

    # --- storage -----------------------------------------------------------------------------
    out.append("## Storage: the group-committing writer vs raw SQLite\n")
    out.append(measured_line(results, "storage"))
    if storage:
        s0 = storage[0]
        out.append(f"`storage_bench`: {s0['seconds']:g} s per run on a fresh database file each, WAL, "
                   f"`synchronous=FULL`. Rows are what the daemon stores for the sample tickets "
                   f"(routed by the built-in rules, decision with its trace): {s0['row_bytes']:,.0f} bytes on "
                   f"average. **Writer**: `TicketStore::create()` from {s0['submitters']} threads keeping "
                   "2 × batch (at least 64) creates in flight, `max_batch` = batch, `max_batch_wait` 2 ms; "
                   "latency is submit to durable callback. **Raw**: one thread, one prepared INSERT into the "
                   "same table and indexes, BEGIN IMMEDIATE/COMMIT per batch; **raw + event** also inserts the "
                   "`created` event row, as the writer does.\n")
        rows = [[r["batch"], num(r["writer_tickets_per_s"]), num(r["writer_avg_batch"], 1),
                 f"{r['writer_p50_ms']:.2f}", f"{r['writer_p99_ms']:.2f}", num(r["raw_tickets_per_s"]),
                 num(r["raw_with_event_tickets_per_s"]), pct(r["writer_vs_raw"]),
                 pct(r["writer_tickets_per_s"] / r["raw_with_event_tickets_per_s"])
                 if r["raw_with_event_tickets_per_s"] else "—"] for r in storage]
        out.append(table(["Batch", "Writer tickets/s", "Tickets per commit", "p50 ms", "p99 ms", "Raw rows/s",
                          "Raw + event rows/s", "Writer ÷ raw", "Writer ÷ raw + event"], rows) + "\n")
    else:
        out.append("Not measured yet.\n")

    # --- mail --------------------------------------------------------------------------------
    out.append("## Email ingest\n")
    out.append(measured_line(results, "mail"))
    if mail:
        m0 = mail[0]
        out.append(f"`mail_bench`: {m0['seconds']:g} s per stage. Messages generated from the example "
                   "`ticket.eml` and the samples: multipart/alternative (8bit text, base64 HTML) with quoted "
                   "history and MTA headers; the large one adds a 140 KB PDF attachment. **parse**: "
                   "`mail::parse_message`, one thread. **+ route**: plus `ticket_from_mail` and `route()`. "
                   f"**ingest**: `EmailIngest::ingest` into a file database (parse, threading lookups, route, "
                   f"needs_info reply, durable store) from 2 threads with up to {m0['window']} messages in "
                   "flight; latency is to the durable answer. No HTTP.\n")
        rows = []
        for r in mail:
            outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(r.get("outcomes", {}).items()))
            if r.get("ingest_errors"):
                outcomes += f", errors {r['ingest_errors']:,}"
            rows.append([r["message"], f"{r['bytes'] / 1024:,.1f} KB", num(r["parse_per_s"]),
                         num(r["parse_route_per_s"]), num(r["ingest_per_s"]), num(r["ingest_mb_per_s"], 1),
                         f"{r['ingest_p50_ms']:.2f}", f"{r['ingest_p99_ms']:.2f}", outcomes])
        out.append(table(["Message", "Size", "parse/s", "parse + route/s", "ingest/s", "ingest MB/s", "p50 ms",
                          "p99 ms", "Outcomes"], rows) + "\n")
    else:
        out.append("Not measured yet.\n")

    # --- routing -----------------------------------------------------------------------------
    out.append("## Routing\n")
    out.append(measured_line(results, "route"))
    if route:
        out.append("`route_bench` (Google Benchmark): `route()` per ticket on the example rule set and on "
                   "generated rule sets; the median of the repetitions where there are several.\n")
        rows = []
        seen = set()
        for b in route.get("benchmarks", []):
            name = b.get("run_name", b["name"])
            if name in seen:
                continue
            seen.add(name)
            counters = {k: v for k, v in b.items() if k not in {
                "name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations",
                "real_time", "cpu_time", "time_unit", "family_index", "per_family_instance_index",
                "aggregate_name", "aggregate_unit", "label", "error_occurred", "error_message"}}
            extra = ", ".join(f"{k} {v:,.6g}" for k, v in counters.items())
            rows.append([f"`{name}`", f"{times.get(name, 0):.2f}", extra or ""])
        out.append(table(["Benchmark", "µs per ticket", "Counters"], rows) + "\n")
    else:
        out.append("Not measured yet.\n")

    out += cluster_section(results)

    profile = os.path.join(results, "profile.txt")
    if os.path.exists(profile):
        with open(profile) as f:
            lines = [l.rstrip() for l in f if l.strip()][:80]
        out.append("## Profile of the daemon at 64 connections\n")
        out.append("`perf record` on `triaged` during the 64-connection ticket run (`bench/run --profile`): "
                   "self time as a share of all the daemon's samples. The thread in libsqlite3 is the storage "
                   "writer; the others are the HTTP threads.\n")
        out.append("```\n" + "\n".join(lines) + "\n```\n")

    if analysis_path and os.path.exists(analysis_path):
        with open(analysis_path) as f:
            out.append(f.read().rstrip() + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()
