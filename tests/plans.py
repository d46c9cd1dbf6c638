"""The database's plans for the queries some code runs: which index answers them."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def plans_of(run: Callable[[], object]) -> str:
    """What the database would do for each query `run` makes, as one text. On PostgreSQL a
    scan of every row is priced out, so that a test's few rows do not make it the cheaper
    way: the question is whether an index fits the query, not whether the table is small."""
    with CaptureQueriesContext(connection) as queries:
        run()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    plans = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
        try:
            for query in queries.captured_queries:
                cursor.execute(explain + query["sql"])
                plans.extend(" ".join(map(str, row)) for row in cursor.fetchall())
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("RESET enable_seqscan")
    return "\n".join(plans)
