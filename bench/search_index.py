"""Search's two index paths side by side, in SQL: the GIN index (rank every
match, then sort; COUNT(*) of every match) and the RUM index (the best 25 in
order from the index; the total counted to at most SEARCH_COUNT_CAP + 1).

    .venv/bin/python bench/search_index.py --rows 100000

Builds a table of its own, `bench_search_index`, in the database of
DATABASE_URL (default postgres://root@127.0.0.1:5432/h28_search) from generated
text: titles (weight A) and 60-word bodies (D) of made-up words, "education"
in 5 % of the titles, "heliotrope" in 0.01 %; then times each query (median of
7 runs, EXPLAIN ANALYZE's execution time) and drops the table. A quick check of
the index paths at scale without generating documents (`bench/scale.py` measures
the pages)."""

import argparse
import os
import statistics

import psycopg

SETUP = [
    "DROP TABLE IF EXISTS bench_search_index",
    """CREATE TABLE bench_search_index AS
SELECT n AS id,
       setweight(to_tsvector('english', title), 'A')
       || setweight(to_tsvector('english', body), 'D') AS v
FROM (
    SELECT n,
           concat_ws(' ', 'agreement', substr(md5(n::text), 1, 6),
                     CASE WHEN n % 20 = 0 THEN 'education' END,
                     CASE WHEN n % 10000 = 7 THEN 'heliotrope' END) AS title,
           (SELECT string_agg(substr(md5((n * 61 + i)::text), 1, 5), ' ')
              FROM generate_series(1, 60) AS i) AS body
    FROM generate_series(1, {rows}) AS n
) AS generated""",
]
GIN = "CREATE INDEX bench_search_gin ON bench_search_index USING gin (v)"
RUM = (
    "CREATE INDEX bench_search_rum ON bench_search_index USING rum (v rum_tsvector_ops)"
)
Q = "websearch_to_tsquery('english', %s)"
QUERIES = {
    "GIN": {
        "page": f"SELECT id FROM bench_search_index WHERE v @@ {Q} "
        f"ORDER BY ts_rank(v, {Q}) DESC LIMIT 25",
        "count": f"SELECT count(*) FROM bench_search_index WHERE v @@ {Q}",
    },
    "RUM": {
        "page": f"SELECT id FROM bench_search_index WHERE v @@ {Q} "
        f"ORDER BY v <=> {Q} LIMIT 25",
        "count": "SELECT count(*) FROM (SELECT 1 FROM bench_search_index "
        f"WHERE v @@ {Q} LIMIT 10001) AS capped",
    },
}


def timed(cursor, sql, word, runs=7):
    """Median execution time (ms) of `sql` for `word`, and the plan's top node."""
    params = [word] * sql.count("%s")
    times, top = [], ""
    for _ in range(runs):
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]
        times.append(plan["Execution Time"])
        top = plan["Plan"]["Node Type"]
    return statistics.median(times), top


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/h28_search")
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.cursor()
        cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        for statement in SETUP:
            cursor.execute(statement.format(rows=int(args.rows)))
        cursor.execute("SET jit = off")
        print(f"| {args.rows:,} rows | word | page of 25, ms | total, ms |")
        print("|---|---|---|---|")
        try:
            for name, index in [("GIN", GIN), ("RUM", RUM)]:
                cursor.execute("DROP INDEX IF EXISTS bench_search_gin")
                cursor.execute("DROP INDEX IF EXISTS bench_search_rum")
                cursor.execute(index)
                cursor.execute("VACUUM ANALYZE bench_search_index")
                for word in ["education", "heliotrope"]:
                    page = timed(cursor, QUERIES[name]["page"], word)
                    total = timed(cursor, QUERIES[name]["count"], word)
                    print(f"| {name} | {word} | {page[0]:.1f} | {total[0]:.1f} |")
        finally:
            cursor.execute("DROP TABLE bench_search_index")


if __name__ == "__main__":
    main()
