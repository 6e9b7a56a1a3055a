#!/bin/sh
# lkp-tests' start_daemon, for the echo server: start the daemon, tell its port, write_state started,
# wait_ready, then wait_finish (every client finished its benchmark), and stop the daemon.
# The engine gives every command MH_SYNC (the host's mh-sync), node_roles and direct_ROLE_ips.
set -eu
rm -f lkp-echo.pid
trap '[ ! -s lkp-echo.pid ] || kill "$(cut -d" " -f1 lkp-echo.pid)" 2>/dev/null || true' EXIT
nohup "$JAVA" EchoServer.java lkp-echo.pid > lkp-echo.log 2>&1 < /dev/null &
tries=0
while [ ! -s lkp-echo.pid ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 600 ]; then
        echo "the echo server did not start within 60 s: $(tail -n 5 lkp-echo.log)" >&2
        "$MH_SYNC" state failed      # the clients' wait_ready returns abort at once
        exit 1
    fi
    sleep 0.1
done
"$MH_SYNC" set echo/port "$(cut -d' ' -f2 lkp-echo.pid)"
"$MH_SYNC" state started
"$MH_SYNC" ready --timeout 2m
"$MH_SYNC" finish --timeout 5m
echo "$node_roles: served until every client finished"
