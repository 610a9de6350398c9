"""Throughput at scale, side by side with Datasette serving the same rows.

    .venv/bin/python bench/scale.py --documents 100000 [--reuse]

One run: a PostgreSQL database of its own with N sample documents (timed), the
project's CSV export of it (timed, with the gunicorn worker's peak RSS) loaded
into SQLite with an FTS5 index, then gunicorn (3 sync workers, production
settings, Redis cache) and Datasette on loopback, each URL pair driven by wrk
back to back, and the project's URLs once more with a warm cache. Writes a
Markdown report to bench/results/scale-N.md. Loopback only.
"""

import argparse
import datetime
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from common import (
    ROOT,
    bench_env,
    ensure_rum,
    ensure_wrk,
    manage,
    prepare_database,
    shell,
    start_server,
    stop,
)

DATABASE, PORT, DATASETTE_PORT = "agreement_scale", 8767, 8768
UNCACHED_PORT = 8769
BASE = "http://127.0.0.1:{port}"
EXPORT = "/api/v1/documents/export/?format=csv"
DATASETTE_VENV = Path("/tmp/datasette-venv")  # kept apart from the project's deps
WORK = Path(tempfile.gettempdir()) / "agreement-scale"
DB = "agreements"  # the SQLite file's stem, so Datasette's database name
FACETS = ["kind", "legal_level", "status", "occasion"]
TIMEOUT = 0  # none: by default gunicorn kills a sync worker streaming after 30 s
WRK = ["wrk", "-t2", "-c8", "--latency", "--timeout", "30s"]
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def pairs(search, rare, slug):
    """(page, project URL, Datasette URL). Datasette's search is FTS5, ours not,
    so the rows each side matched are reported. Its HTML table gets 25 rows and
    four of our seven facets, without the facet suggestions (2 s a page at 100k,
    nothing like what our list page does). Datasette has no parties table here:
    its `country=KZ` is the rows whose parties column names `kazakhstan` (ours
    also counts Kazakh ministries and regions)."""
    table = f"/{DB}/documents"
    facets = "".join(f"&_facet={f}" for f in FACETS)
    return [
        ("API list, 50 rows", "/api/v1/documents/?page_size=50",
         f"{table}.json?_size=50&_nosuggest=1"),
        ("API list, kind=agreement", "/api/v1/documents/?page_size=50&kind=agreement",
         f"{table}.json?kind=agreement&_size=50&_nosuggest=1"),
        (f"API search `{search}`", f"/api/v1/documents/?q={search}&page_size=50",
         f"{table}.json?_search={search}&_size=50&_nosuggest=1"),
        (f"API search `{rare}` (rare)", f"/api/v1/documents/?q={rare}&page_size=50",
         f"{table}.json?_search={rare}&_size=50&_nosuggest=1"),
        ("API list, country=KZ", "/api/v1/documents/?country=KZ&page_size=50",
         f"{table}.json?parties__contains=kazakhstan&_size=50&_nosuggest=1"),
        ("API detail", f"/api/v1/documents/{slug}/", f"{table}/{slug}.json"),
        ("HTML list", "/en/documents/", f"{table}?_size=25&_nosuggest=1{facets}"),
        ("HTML list, country=KZ", "/en/documents/?country=KZ",
         f"{table}?parties__contains=kazakhstan&_size=25&_nosuggest=1{facets}"),
        (f"HTML search `{search}`", f"/en/documents/?q={search}",
         f"{table}?_search={search}&_size=25&_nosuggest=1{facets}"),
        ("HTML detail", f"/en/documents/{slug}/", f"{table}/{slug}"),
    ]  # fmt: skip


def sample_count(env):
    """Sample documents in the benchmark database, or None if there is none."""
    code = (
        "from agreements.models import Document;"
        "print(Document.objects.filter(slug__startswith='sample-').count())"
    )
    try:
        return int(shell(env, code))
    except subprocess.CalledProcessError:
        return None


def ensure_datasette():
    bin_ = DATASETTE_VENV / "bin"
    if not (bin_ / "datasette").exists():
        subprocess.run([sys.executable, "-m", "venv", DATASETTE_VENV], check=True)
        pip = [bin_ / "pip", "install", "--quiet", "datasette", "sqlite-utils"]
        subprocess.run(pip, check=True)
    return bin_


def workers(master):
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


def worker_memory(master, field):
    """`field` (VmRSS, VmHWM) in MB of each gunicorn worker, by pid."""
    sizes = {}
    for pid in workers(master):
        status = Path(f"/proc/{pid}/status").read_text()
        sizes[pid] = int(re.search(rf"^{field}:\s+(\d+)", status, re.M)[1]) / 1024
    return sizes


def export_csv(server, path):
    """Stream the whole CSV export to `path`: seconds, and the workers' peak RSS
    in MB after it and before it."""
    before = worker_memory(server.pid, "VmHWM")
    started = time.perf_counter()
    # The PostgreSQL export runs its whole query before its first line: about a
    # minute at a million rows.
    with requests.get(BASE.format(port=PORT) + EXPORT, stream=True, timeout=600) as r:
        r.raise_for_status()
        with open(path, "wb") as out:
            for chunk in r.iter_content(1 << 16):
                out.write(chunk)
    seconds = time.perf_counter() - started
    after = worker_memory(server.pid, "VmHWM")
    return seconds, max(after.values()), max(before.values())


def load_sqlite(bin_, csv_path, db_path):
    db_path.unlink(missing_ok=True)
    utils = bin_ / "sqlite-utils"
    subprocess.run(
        [utils, "insert", db_path, "documents", csv_path, "--csv",
         "--encoding", "utf-8-sig", "--pk", "slug"],
        check=True,
    )  # fmt: skip
    subprocess.run(
        [utils, "enable-fts", db_path, "documents",
         "title_ru", "title_en", "summary_ru", "summary_en"],
        check=True,
    )  # fmt: skip
    with sqlite3.connect(db_path) as db:
        return db.execute("select count(*) from documents").fetchone()[0]


def start_datasette(bin_, db_path):
    process = subprocess.Popen(
        [bin_ / "datasette", "serve", "--immutable", db_path,
         "--host", "127.0.0.1", "--port", str(DATASETTE_PORT),
         "--setting", "default_page_size", "50",
         "--setting", "sql_time_limit_ms", "5000"],
        stdout=subprocess.DEVNULL,  # one access-log line per request
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            if requests.get(BASE.format(port=DATASETTE_PORT), timeout=1).ok:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("Datasette did not start")


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that gunicorn replaced
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def backends():
    """PostgreSQL's processes serving the benchmark database."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if f" {DATABASE} " in cmdline.read_text():
                pids.append(cmdline.parent.name)
        except OSError:
            continue
    return pids


def settle(pids, limit=300):
    """Wait until `pids()` are idle: sync workers still serve the requests that wrk
    left queued, which would otherwise eat into the next run. The seconds waited."""
    started = time.monotonic()
    while time.monotonic() < started + limit:
        before = cpu_seconds(pids())
        time.sleep(0.5)
        if cpu_seconds(pids()) - before < 0.03:
            break
    else:
        print(f"  ! still busy after {limit} s, going on")
    return time.monotonic() - started


def check(port, url):
    """GET once: the row count of a JSON list, "HTTP 500" on an error, else None."""
    response = requests.get(BASE.format(port=port) + url, timeout=60)
    if not response.ok:
        print(f"  ! HTTP {response.status_code} for {url}")
        return f"HTTP {response.status_code}"
    if "json" not in response.headers.get("content-type", ""):
        return None
    body = response.json()
    return body.get("count", body.get("filtered_table_rows_count"))


def wrk(port, url, seconds, script):
    out = subprocess.run(
        [*WRK, f"-d{seconds}s", "-s", script, BASE.format(port=port) + url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    ).stdout
    requests_, micros, p50, p95, errors = map(int, out.split("RESULT")[1].split())
    if errors:
        print(f"  ! {errors} errors (non-2xx, timeouts) for {url}")
    rps = f"{requests_ / (micros / 1e6):.1f}" + (
        f" ({errors} errors)" if errors else ""
    )
    if not requests_:  # wrk counts only the responses that came within the run
        rps, p50, p95 = f"0 (none in {seconds} s)", None, None
    return {"rps": rps, "value": requests_ / micros, "p50": p50, "p95": p95}


def machine():
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    git = ["git", "-C", ROOT, "describe", "--always", "--dirty"]
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": subprocess.run(git, capture_output=True, text=True).stdout.strip()
        or "unknown",
        "cpu": cpu[1] if cpu else platform.processor(),
        "nproc": subprocess.run(
            ["nproc"], capture_output=True, text=True
        ).stdout.strip(),
        "memory": f"{int(memory[1]) / 1024**2:.1f} GiB",
        "postgres": subprocess.run(
            ["psql", "--version"], capture_output=True, text=True
        ).stdout.strip(),
        "datasette": subprocess.run(
            [DATASETTE_VENV / "bin" / "datasette", "--version"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
    }


def ms(micros, digits=0):
    return "–" if micros is None else f"{micros / 1000:.{digits}f}"


def table(rows, theirs):
    lines = [
        "| page | ours req/s | ours p50 ms | ours p95 ms "
        "| Datasette req/s | Datasette p50 ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (page, ours), other in zip(rows, theirs, strict=True):
        ratio = f"{ours['value'] / other['value']:.2f}" if other["value"] else "–"
        lines.append(
            f"| {page} | {ours['rps']} | {ms(ours['p50'])} | {ms(ours['p95'])} "
            f"| {other['rps']} | {ms(other['p50'], 1)} | {ratio} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--search", default="education", help="word to search for")
    parser.add_argument(
        "--rare", default="pharmaceuticals", help="a rare word to search for"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database if it already holds exactly N sample documents",
    )
    args = parser.parse_args()
    n = args.documents
    env = bench_env(DATABASE, PORT)
    WORK.mkdir(exist_ok=True)
    bin_ = ensure_datasette()
    ensure_wrk()

    generation = None
    if args.reuse and sample_count(env) == n:
        print(f"Reusing {DATABASE} with {n} sample documents.")
        ensure_rum()
        manage(env, "migrate", "--noinput")  # the code may have moved on
        manage(env, "collectstatic", "--noinput")
    else:
        generation = prepare_database(env, DATABASE, n)
    subprocess.run(["redis-cli", "-n", "3", "flushdb"], check=True, capture_output=True)

    processes = []
    try:
        server = start_server(
            env, PORT, workers=3, threads=1, worker_class="sync", timeout=TIMEOUT
        )
        processes.append(server)
        # The same code with every cache of reads off: responses, counts, facets.
        # (A Redis database of its own: it must not read what the first one wrote.)
        subprocess.run(["redis-cli", "-n", "4", "flushdb"], check=True)
        uncached = start_server(
            {
                **env,
                "READ_CACHE_SECONDS": "0",
                "CACHE_URL": "rediscache://127.0.0.1:6379/4",
            },
            UNCACHED_PORT,
            workers=3,
            threads=1,
            worker_class="sync",
            timeout=TIMEOUT,
        )
        processes.append(uncached)
        csv_path, db_path = WORK / "documents.csv", WORK / f"{DB}.db"
        print("Exporting CSV…")
        export_s, peak_mb, idle_mb = export_csv(server, csv_path)
        started = time.perf_counter()
        rows = load_sqlite(bin_, csv_path, db_path)
        sqlite_s = time.perf_counter() - started
        datasette = start_datasette(bin_, db_path)
        processes.append(datasette)

        slug = f"sample-{n // 2}"
        urls = pairs(args.search, args.rare, slug)
        script = WORK / "report.lua"
        script.write_text(WRK_REPORT)

        def measure(port, url):
            result = wrk(port, url, args.seconds, script)
            waited = settle(
                lambda: [
                    *workers(server.pid),
                    *workers(uncached.pid),
                    datasette.pid,
                    *backends(),
                ]
            )
            if waited > 5:
                print(f"  {waited:.0f} s until the servers were idle again")
            return result

        ours, theirs, warm, cold, counts = [], [], [], [], []
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        for page, mine, other in urls:  # ours, Datasette, ours again (warm cache)
            print(f"wrk {page}…")
            ours.append((page, measure(PORT, mine)))
            theirs.append(measure(DATASETTE_PORT, other))
            warm.append((page, measure(PORT, mine)))
            cold.append((page, measure(UNCACHED_PORT, mine)))
            counts.append((check(PORT, mine), check(DATASETTE_PORT, other)))
    finally:
        for process in reversed(processes):
            stop(process)

    matched = "\n".join(
        f"  - {page}: {'ok' if mine is None else mine} for the project, "
        f"{'ok' if other is None else other} for Datasette"
        for (page, *_), (mine, other) in zip(urls, counts, strict=True)
        if (mine, other) != (None, None)
    )
    generated = (
        f"{generation:.1f} s ({n / generation:,.0f} documents/s)"
        if generation
        else "not measured (--reuse)"
    )
    slow_export = (
        "- the export took longer than gunicorn's default 30 s worker timeout:\n"
        "  with `gunicorn tracker.wsgi` and no `--timeout` the sync worker is killed\n"
        "  and the download ends early (this run: `--timeout 0`, none)\n"
        if export_s > 30
        else ""
    )
    info = machine()
    report = f"""#### {n:,} sample documents, the project vs Datasette

```sh
.venv/bin/python bench/scale.py {" ".join(sys.argv[1:])}
```

{info["date"]}, commit `{info["commit"]}`, {info["nproc"]} cores ({info["cpu"]}),
{info["memory"]} RAM; {info["postgres"]}; {info["datasette"]}.
wrk `{" ".join(WRK)} -d{args.seconds}s` per URL; gunicorn 3 sync workers, DEBUG off,
Redis cache (emptied before the first pass); ratio = ours req/s ÷ Datasette's.
Load average before the first pass: {load}.

First pass:

{table(ours, theirs)}

Second pass, the project's URLs again with a warm cache (right after Datasette's):

{table(warm, theirs)}

Uncached: a second gunicorn (3 sync workers) with `READ_CACHE_SECONDS=0` and a
Redis database of its own, so no response, count or facet is ever served from a
cache:

{table(cold, theirs)}

Data:

- generation (`generate_sample_data {n} --seed 1 --force`): {generated}
- CSV export of {rows:,} rows ({csv_path.stat().st_size / 2**20:.0f} MB):
  {export_s:.1f} s, {rows / export_s:,.0f} rows/s; gunicorn worker peak RSS
  {peak_mb:.0f} MB (VmHWM; {idle_mb:.0f} MB before the export)
{slow_export}- SQLite load and FTS5 index (sqlite-utils): {sqlite_s:.1f} s
- rows matched (and failed checks):
{matched}
- detail pages: `{slug}`
"""
    out = ROOT / "bench" / "results" / f"scale-{n}.md"
    out.write_text(report)
    print(f"\n{report}\nWritten to {out.relative_to(ROOT)}")
    # Every list filter's plans on the same rows (EXPLAIN ANALYZE, bench/explain.py).
    plans = ROOT / "bench" / "results" / f"explain-{n}.txt"
    explain = [sys.executable, ROOT / "bench" / "explain.py", "--full"]
    with open(plans, "w") as written:
        subprocess.run(explain, env=env, cwd=ROOT, stdout=written)
    print(f"Plans written to {plans.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
