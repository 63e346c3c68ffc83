#!/bin/sh
# storm-all: every storm run behind docs/benchmarks.md "Boot storm", one
# after the other (about 12 minutes on 2 cores); R=DIR keeps the JSONs
# (docs/storm-runs/DATE holds the ones the docs quote).  Render them
# with tests/bench/storm-table.py DIR.
cd "$(dirname "$0")/../.."
R=${R:-docs/storm-runs/new}; mkdir -p "$R"
run() { name=$1; shift; echo "== $name $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)";
  timeout 3000 tests/bench/storm "$@" --json $R/$name.json > $R/$name.txt 2>&1; echo "rc $?"; cat $R/$name.txt; }
run n200-m4 --clients 200 --archive-mib 4 --baseline
run n200-m64 --clients 200 --archive-mib 64 --baseline
run n200-m4-keakill --clients 200 --archive-mib 4 --fault kea-kill
run n200-m4-originrestart --clients 200 --archive-mib 4 --fault origin-restart
run n200-m4-newbuild --clients 200 --archive-mib 4 --fault new-build --spread-s 20
run n200-m64-newbuild --clients 200 --archive-mib 64 --fault new-build --spread-s 20
run n1000-m4 --clients 1000 --archive-mib 4 --baseline
run n1000-m64 --clients 1000 --archive-mib 64 --baseline=static
run n1000-m4-keakill --clients 1000 --archive-mib 4 --fault kea-kill
run n1000-m4-originrestart --clients 1000 --archive-mib 4 --fault origin-restart
run n1000-m4-newbuild --clients 1000 --archive-mib 4 --fault new-build --spread-s 20
run n200-m4-originrestart-permac --clients 200 --archive-mib 4 --fault origin-restart --menu-per-mac
echo "== done $(date -u +%T)"
