#!/bin/sh
# lkp-tests' run_test, for the echo benchmark: write_state started, wait_ready, run the benchmark
# against the server role's address, then report finished (or failed, which aborts the server's wait).
set -eu
"$MH_SYNC" state started
"$MH_SYNC" ready --timeout 2m
port=$("$MH_SYNC" get echo/port)
if "$JAVA" EchoBench.java "$direct_server_ips" "$port" "${REQUESTS:-200}" > lkp-bench.log 2>&1; then
    cat lkp-bench.log
    "$MH_SYNC" finish --timeout 5m
else
    cat lkp-bench.log >&2
    "$MH_SYNC" state failed
    exit 1
fi
