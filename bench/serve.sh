#!/usr/bin/env bash
# HTTP benchmarks on loopback with wrk and hey: static pages, router overhead, lesson completion,
# function cold start.
#
#   bench/serve.sh [--build] [--only PARTS] [--dist DIR] [BIN_DIR]     (from anywhere in the repo)
#
#   BIN_DIR   release binaries: lectern, leads, access, auth, progress (default
#             .build-bench/release, as bench/run.sh makes)
#   --build   first build them: swift build -c release --scratch-path .build-bench, once per
#             product (lectern, leads, access, auth, progress)
#   --only    comma-separated subset of: static, leads, progress, coldstart (default all four);
#             `nginx` runs only the nginx rows of static (no lectern serve)
#   --dist    serve this already built dist/ (and a private/ beside it) instead of building the
#             demo site with BIN_DIR/lectern
#
#   1. static: builds the demo site into a scratch folder, picks a free lesson of ai-marketing and
#      serves the same dist/ with nginx (bench/nginx.conf; worker_processes 1, then auto) and with
#      `lectern serve --no-build --no-functions`; for each, a 2 s warm-up then
#      `wrk -t1 -c50 -d10s --latency` on the lesson: requests/s, p50, p99;
#   2. leads: `lectern serve` with its functions, beside it the leads binary alone and nginx as a
#      reverse proxy to that binary (bench/nginx-proxy.conf, for reference); POSTs a
#      new lead per request (bench/leads.lua) with `wrk -t1 -c1` and `-c16`, 10 s each after a
#      2 s warm-up; router overhead = p50 via the router − p50 direct;
#   3. progress: `lectern serve` with its functions on a fresh SQLite file (SITE_URL
#      http://localhost:<port>, outbox mail, a random AUTH_SECRET); bench/learner_session.py signs
#      a learner up, verifies the address from the outbox and signs in, then picks a free lesson
#      of ai-marketing; `PUT /api/progress/lessons/<id>` {"completed":true} with the session
#      cookie and X-CSRF-Token, via the router and to the progress binary alone (same database):
#      at a fixed PROGRESS_RATE with `hey -z 10s -c 10 -q <rate/10>`, and flat out with
#      `wrk -t1 -c16 --latency -s bench/progress.lua`, each after a 2 s warm-up;
#   4. coldstart: bench/coldstart.py starts BIN_DIR/leads 20 times: exec → first /healthz 200;
#   5. prints a Markdown summary and writes it to .lectern/bench/serve-results.md.
#
# Installs wrk, hey, nginx and curl with apt-get when they are missing (as root, or through sudo).
# Server and wrk logs: .lectern/bench/serve-logs/. Every process it starts is stopped on exit.
# Environment: WRK_DURATION (default 10s), WRK_WARMUP (2s), COLDSTART_RUNS (20), SWIFT (swift),
# LEADS_DIRECT_PATH (path the leads binary answers POSTs on; default: /api/leads, else /),
# PROGRESS_RATE (requests/s of the fixed-rate run, default 1000, a multiple of 10),
# PROGRESS_GOAL_MS (p99 goal at that rate, default 10),
# KEEP_TMP=1 keeps the scratch folder (dist/, databases, nginx prefix, outbox).
set -euo pipefail

usage() { sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//'; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bench_dir=$root/bench

build=0
only=static,leads,progress,coldstart
given_dist=""
bin_dir=""
while [ $# -gt 0 ]; do
    case "$1" in
        --build) build=1 ;;
        --only) [ $# -ge 2 ] || { echo "bench/serve.sh: --only needs a value" >&2; exit 2; }; only=$2; shift ;;
        --only=*) only=${1#--only=} ;;
        --dist) [ $# -ge 2 ] || { echo "bench/serve.sh: --dist needs a value" >&2; exit 2; }; given_dist=$2; shift ;;
        --dist=*) given_dist=${1#--dist=} ;;
        -h | --help) usage; exit 0 ;;
        -*) echo "bench/serve.sh: unknown option '$1' (see bench/serve.sh --help)" >&2; exit 2 ;;
        *) [ -z "$bin_dir" ] || { echo "bench/serve.sh: one BIN_DIR only" >&2; exit 2; }; bin_dir=$1 ;;
    esac
    shift
done
bin_dir=${bin_dir:-.build-bench/release}
case "$bin_dir" in /*) ;; *) bin_dir=$root/$bin_dir ;; esac
if [ -n "$given_dist" ]; then
    given_dist=$(cd "$given_dist" && pwd) || { echo "bench/serve.sh: --dist $given_dist: no such folder" >&2; exit 2; }
fi

want_static=0 want_nginx_only=0 want_leads=0 want_progress=0 want_cold=0
IFS=, read -r -a parts <<<"$only"
for part in "${parts[@]}"; do
    case "$part" in
        static) want_static=1 ;;
        nginx) want_static=1 want_nginx_only=1 ;;
        leads) want_leads=1 ;;
        progress) want_progress=1 ;;
        coldstart) want_cold=1 ;;
        *) echo "bench/serve.sh: unknown part '$part' in --only (static, nginx, leads, progress, coldstart)" >&2; exit 2 ;;
    esac
done
[ "$want_static" = 1 ] && [ "$only" != "${only/static/}" ] && want_nginx_only=0

duration=${WRK_DURATION:-10s}
warmup=${WRK_WARMUP:-2s}
cold_runs=${COLDSTART_RUNS:-20}
progress_rate=${PROGRESS_RATE:-1000}
progress_goal_ms=${PROGRESS_GOAL_MS:-10}
progress_workers=10
[[ "$progress_rate" =~ ^[1-9][0-9]*0$ ]] || { echo "bench/serve.sh: PROGRESS_RATE must be a multiple of 10 (hey paces $progress_workers workers), got '$progress_rate'" >&2; exit 2; }
swift=${SWIFT:-swift}
work=.lectern/bench
logs=$work/serve-logs
raw=$work/serve-raw.tsv
results=$work/serve-results.md
lectern=$bin_dir/lectern
leads=$bin_dir/leads
progress=$bin_dir/progress

die() { echo "bench/serve.sh: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

# ---------------------------------------------------------------- prerequisites
apt_updated=0
apt_install() { # packages...
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || die "missing $*; install them (Debian: apt-get install $*)"
        sudo=(sudo)
    fi
    echo "Installing $* with apt-get…"
    if [ "$apt_updated" = 0 ]; then
        "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null \
        || die "apt-get install $* failed"
}

find_nginx() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }

command -v python3 >/dev/null || die "python3 is required (Debian: apt-get install python3)"
command -v setsid >/dev/null || die "setsid (util-linux) is required"
need=()
command -v curl >/dev/null || need+=(curl)
if [ "$want_static" = 1 ] || [ "$want_leads" = 1 ] || [ "$want_progress" = 1 ]; then
    command -v wrk >/dev/null || need+=(wrk)
fi
if [ "$want_progress" = 1 ]; then
    command -v hey >/dev/null || need+=(hey)
fi
if { [ "$want_static" = 1 ] || [ "$want_leads" = 1 ]; } && [ -z "$(find_nginx)" ]; then
    need+=(nginx)
fi
[ ${#need[@]} = 0 ] || apt_install "${need[@]}"
nginx=$(find_nginx)

if [ "$build" = 1 ]; then
    command -v "$swift" >/dev/null || die "'$swift' not found; install a Swift toolchain or set SWIFT=/path/to/swift"
    mkdir -p "$logs"
    # One product per invocation: `swift build` keeps only the last of repeated --product options.
    for product in lectern leads access auth progress; do
        echo "== swift build -c release --scratch-path .build-bench --product $product (log: $logs/swift-build.log)"
        "$swift" build -c release --scratch-path .build-bench --product "$product" >"$logs/swift-build.log" 2>&1 || {
            grep -E '(^| )error:' "$logs/swift-build.log" | head -n 20 >&2 || true
            tail -n 15 "$logs/swift-build.log" >&2
            die "swift build of $product failed; log: $logs/swift-build.log"
        }
    done
fi

needs_lectern=0
{ [ "$want_static" = 1 ] && { [ "$want_nginx_only" = 0 ] || [ -z "$given_dist" ]; }; } && needs_lectern=1
[ "$want_leads" = 1 ] && needs_lectern=1
[ "$want_progress" = 1 ] && needs_lectern=1
if [ "$needs_lectern" = 1 ] && [ ! -x "$lectern" ]; then
    die "$lectern not found; build it with bench/serve.sh --build (or bench/run.sh), or pass BIN_DIR"
fi
if { [ "$want_leads" = 1 ] || [ "$want_cold" = 1 ]; } && [ ! -x "$leads" ]; then
    die "$leads not found; build it with bench/serve.sh --build, or pass the BIN_DIR holding lectern and leads"
fi
if [ "$want_progress" = 1 ]; then
    for product in auth progress; do
        [ -x "$bin_dir/$product" ] || die "$bin_dir/$product not found; build it with bench/serve.sh --build (lectern serve starts the functions beside it)"
    done
fi

mkdir -p "$work" "$logs"
: >"$raw"
load_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lectern-serve-bench.XXXXXX")

# ---------------------------------------------------------------- processes
# Each server runs in its own session (setsid), so stopping it also stops what it started
# (the router's function processes). Only these ids are ever signalled.
server_pids=()

start_server() { # log, command... ; sets SERVER_PID
    local log=$1
    shift
    setsid "$@" </dev/null >"$log" 2>&1 &
    SERVER_PID=$!
    server_pids+=("$SERVER_PID")
}

descendants() { # pid -> its descendants' pids
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}

stop_server() { # pid
    local pid=$1 kids i
    if kill -0 "$pid" 2>/dev/null; then
        kids=$(descendants "$pid" | tr '\n' ' ')
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
        # Anything the server started in a session of its own and left behind.
        for i in $kids; do kill -KILL "$i" 2>/dev/null || true; done
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    set +e
    for pid in "${server_pids[@]}"; do stop_server "$pid"; done
    server_pids=()
    if [ "${KEEP_TMP:-0}" = 1 ]; then
        echo "Scratch folder kept: $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_all() {
    local pid
    for pid in "${server_pids[@]}"; do stop_server "$pid"; done
    server_pids=()
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

server_failed() { # what, log, reason
    {
        echo
        echo "bench/serve.sh: $1 $3; log: $2"
        echo "--- last lines of $2:"
        tail -n 25 "$2" 2>/dev/null || true
    } >&2
    exit 1
}

# Waits up to 10 s for `curl ARGS` to answer a status matching PATTERN (e.g. '200', '2[0-9][0-9]').
wait_http() { # what, pid, log, pattern, curl args...
    local what=$1 pid=$2 log=$3 pattern=$4 code="" deadline
    shift 4
    deadline=$(($(date +%s%N) + 10000000000))
    while :; do
        kill -0 "$pid" 2>/dev/null || server_failed "$what" "$log" "exited before it answered"
        code=$(curl -s -o "$tmp/ready-body" -w '%{http_code}' --max-time 1 "$@" 2>/dev/null || true)
        if [[ "$code" =~ ^($pattern)$ ]]; then return 0; fi
        [ "$(date +%s%N)" -lt "$deadline" ] || break
        sleep 0.1
    done
    case "$code" in
        "" | 000) code="no answer (connection refused or timed out)" ;;
        *) code="$code $(head -c 200 "$tmp/ready-body" 2>/dev/null | tr '\n' ' ')" ;;
    esac
    server_failed "$what" "$log" "did not answer $pattern within 10 s (last: $code; curl $*)"
}

lead_json() { printf '{"email":"bench-ready-%s@example.com","consent":true,"source":"/bench/"}' "$(date +%s%N)"; }

# ---------------------------------------------------------------- wrk
# Runs a warm-up, then the measured run; appends a row to $raw and prints a line.
# The script's arguments default to a fresh nonce per run (bench/leads.lua).
run_wrk() { # kind (static|leads|progress), key, label, connections, url, [lua script, [script args...]]
    local kind=$1 key=$2 label=$3 conns=$4 url=$5 script=${6:-} log target=() r
    shift $(($# < 6 ? $# : 6))
    local script_args=("$@")
    log=$logs/wrk-$kind-$key-c$conns.log
    wrk_target() {
        if [ -z "$script" ]; then
            target=("$url")
        elif [ ${#script_args[@]} -gt 0 ]; then
            target=(-s "$script" "$url" -- "${script_args[@]}")
        else
            target=(-s "$script" "$url" -- "$(date +%s%N)")
        fi
    }
    wrk_target
    wrk -t1 -c"$conns" -d"$warmup" "${target[@]}" >"$log.warmup" 2>&1 || { cat "$log.warmup" >&2; die "wrk warm-up failed ($label)"; }
    wrk_target
    wrk -t1 -c"$conns" -d"$duration" --latency "${target[@]}" >"$log" 2>&1 || { cat "$log" >&2; die "wrk failed ($label)"; }
    r=$(python3 "$bench_dir/serve_report.py" wrk "$log") || { cat "$log" >&2; die "could not read wrk's output ($label): $log"; }
    record_row "$kind" "$key" "$label" "$conns" "$log" "$r"
}

record_row() { # kind, key, label, connections, log, parsed output (rps p50 p99 total non2xx errors)
    local kind=$1 key=$2 label=$3 conns=$4 log=$5 rps p50 p99 total non2xx sockerr
    IFS=$'\t' read -r rps p50 p99 total non2xx sockerr <<<"$6"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$key" "$label" "$conns" \
        "$rps" "$p50" "$p99" "$total" "$non2xx" "$sockerr" >>"$raw"
    printf '   %-44s c=%-3s %10.0f req/s   p50 %8.3f ms   p99 %8.3f ms\n' "$label" "$conns" "$rps" "$p50" "$p99"
    if [ "$non2xx" != 0 ] || [ "$sockerr" != 0 ]; then
        echo "   WARNING: $non2xx non-2xx/3xx responses and $sockerr socket errors out of $total requests ($log)" >&2
    fi
}

# Like run_wrk, with hey at a fixed rate: CONNECTIONS workers, each paced to RATE/CONNECTIONS
# requests/s (hey's -q is per worker).
run_hey() { # kind, key, label, connections, rate, url, hey options (method, headers, body)...
    local kind=$1 key=$2 label=$3 conns=$4 rate=$5 url=$6 log r
    shift 6
    local qps=$((rate / conns))
    log=$logs/hey-$kind-$key-c$conns.log
    hey -z "$warmup" -c "$conns" -q "$qps" "$@" "$url" >"$log.warmup" 2>&1 || { cat "$log.warmup" >&2; die "hey warm-up failed ($label)"; }
    hey -z "$duration" -c "$conns" -q "$qps" "$@" "$url" >"$log" 2>&1 || { cat "$log" >&2; die "hey failed ($label)"; }
    r=$(python3 "$bench_dir/serve_report.py" hey "$log") || { cat "$log" >&2; die "could not read hey's output ($label): $log"; }
    record_row "$kind" "$key" "$label" "$conns" "$log" "$r"
}

# The flag naming the site folder: the contract says --site-dir; `build` has had --site.
site_flag() { # subcommand
    local help
    help=$("$lectern" "$1" --help 2>&1 || true)
    if [[ "$help" == *--site-dir* ]]; then echo --site-dir; else echo --site; fi
}

sed_escape() { printf '%s' "$1" | sed -e 's/[|&\\]/\\&/g'; }

# `lectern serve` with functions runs on an empty site folder of its own: it keeps the functions'
# sockets in SITE/.lectern/run, so a serve of the repository running meanwhile (tests, `make run`)
# would replace them with its own and the router would proxy to that serve's functions. The
# functions' working directory, .env and development secret are then the scratch folder's too.
serve_site=$tmp/serve-site
mkdir -p "$serve_site"

# ---------------------------------------------------------------- the site
dist=$tmp/dist
private=$tmp/private
page=""
if [ "$want_static" = 1 ] || [ "$want_leads" = 1 ] || [ "$want_progress" = 1 ]; then
    if [ -n "$given_dist" ]; then
        dist=$given_dist
        private=$(dirname "$given_dist")/private
        step "Serving the given $dist"
    else
        step "Building the demo site into $tmp (log: $logs/site-build.log)"
        "$lectern" build "$(site_flag build)" . --output "$dist" --private-output "$private" \
            >"$logs/site-build.log" 2>&1 || { tail -n 20 "$logs/site-build.log" >&2; die "lectern build failed; log: $logs/site-build.log"; }
        echo "   $(grep -E '^(Built|Failed)' "$logs/site-build.log" | tail -n 1)"
    fi
    page=$(python3 "$bench_dir/serve_report.py" pick-page content "$dist") || die "no lesson page to fetch in $dist"
    page_kb=$(( ($(stat -c %s "$dist${page}index.html") + 512) / 1024 ))
    echo "   page: $page ($page_kb KB)"
fi

# ---------------------------------------------------------------- 1. static page
nginx_version=""
if [ "$want_static" = 1 ]; then
    nginx_version=$("$nginx" -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')
    step "Static page: nginx $nginx_version vs lectern serve — wrk -t1 -c50 -d$duration --latency (after a $warmup warm-up)"
    for workers in 1 auto; do
        prefix=$tmp/nginx-$workers
        mkdir -p "$prefix/temp"
        port=$(free_port)
        sed -e "s|@PREFIX@|$(sed_escape "$prefix")|g" -e "s|@ROOT@|$(sed_escape "$dist")|g" \
            -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" -e "s|@USER@|$(id -un)|g" \
            "$bench_dir/nginx.conf" >"$prefix/nginx.conf"
        log=$logs/nginx-$workers.log
        "$nginx" -t -q -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/error.log" >"$log" 2>&1 \
            || server_failed "nginx (worker_processes $workers)" "$log" "rejected its configuration $prefix/nginx.conf"
        start_server "$log" "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/error.log"
        wait_http "nginx (worker_processes $workers)" "$SERVER_PID" "$log" 200 "http://127.0.0.1:$port$page"
        if [ "$workers" = auto ]; then
            n=$(ps -o pid= --ppid "$SERVER_PID" | wc -l)
            label="nginx $nginx_version, worker_processes auto ($n)"
        else
            label="nginx $nginx_version, worker_processes 1"
        fi
        run_wrk static "nginx-$workers" "$label" 50 "http://127.0.0.1:$port$page"
        stop_all
        cat "$prefix/error.log" >>"$log" 2>/dev/null || true
    done

    if [ "$want_nginx_only" = 0 ]; then
        port=$(free_port)
        log=$logs/lectern-serve-static.log
        start_server "$log" env LECTERN_RATE_LIMIT=off "$lectern" serve "$(site_flag serve)" . \
            --dist "$dist" --private-dir "$private" --no-build --no-functions --port "$port"
        wait_http "lectern serve --no-functions" "$SERVER_PID" "$log" 200 "http://127.0.0.1:$port$page"
        run_wrk static lectern "lectern serve (--no-functions)" 50 "http://127.0.0.1:$port$page"
        stop_all
    fi
fi

# ---------------------------------------------------------------- 2. router overhead
if [ "$want_leads" = 1 ]; then
    step "Router overhead: POST /api/leads via lectern serve vs the leads binary directly (after a $warmup warm-up each)"
    router_port=$(free_port)
    router_log=$logs/lectern-serve-functions.log
    start_server "$router_log" env DATABASE_URL="sqlite://$tmp/bench.sqlite" LECTERN_RATE_LIMIT=off \
        "$lectern" serve "$(site_flag serve)" "$serve_site" --dist "$dist" --private-dir "$private" --no-build --port "$router_port"
    router_pid=$SERVER_PID
    wait_http "lectern serve" "$router_pid" "$router_log" 200 "http://127.0.0.1:$router_port$page"
    # The router is up; its leads process may still be starting: wait for a stored lead.
    wait_http "lectern serve → leads" "$router_pid" "$router_log" '2[0-9][0-9]' -X POST \
        -H 'Content-Type: application/json' --data "$(lead_json)" "http://127.0.0.1:$router_port/api/leads"

    direct_port=$(free_port)
    direct_log=$logs/leads-direct.log
    start_server "$direct_log" env PORT="$direct_port" DATABASE_URL="sqlite://$tmp/direct.sqlite" \
        LECTERN_RATE_LIMIT=off "$leads"
    direct_pid=$SERVER_PID
    wait_http "leads (direct)" "$direct_pid" "$direct_log" 200 "http://127.0.0.1:$direct_port/healthz"
    # The path the binary itself answers on: the router may forward /api/leads as it is or strip it.
    direct_path=""
    for candidate in ${LEADS_DIRECT_PATH:-/api/leads /}; do
        code=$(curl -s -o "$tmp/probe-body" -w '%{http_code}' --max-time 5 -X POST \
            -H 'Content-Type: application/json' --data "$(lead_json)" \
            "http://127.0.0.1:$direct_port$candidate" || true)
        if [[ "$code" =~ ^2[0-9][0-9]$ ]]; then direct_path=$candidate; break; fi
        echo "   POST $candidate on the leads binary: status ${code:-none} $(head -c 200 "$tmp/probe-body" 2>/dev/null)"
    done
    [ -n "$direct_path" ] || server_failed "leads (direct)" "$direct_log" \
        "accepted no lead on ${LEADS_DIRECT_PATH:-/api/leads or /} (set LEADS_DIRECT_PATH)"
    echo "   direct: http://127.0.0.1:$direct_port$direct_path; via router: http://127.0.0.1:$router_port/api/leads"

    # The same binary behind nginx's reverse proxy: what a mature proxy adds on this machine.
    proxy_port=""
    if [ -n "$nginx" ]; then
        prefix=$tmp/nginx-proxy
        mkdir -p "$prefix/temp"
        proxy_port=$(free_port)
        sed -e "s|@PREFIX@|$(sed_escape "$prefix")|g" -e "s|@PORT@|$proxy_port|g" \
            -e "s|@UPSTREAM_PORT@|$direct_port|g" -e "s|@USER@|$(id -un)|g" \
            "$bench_dir/nginx-proxy.conf" >"$prefix/nginx.conf"
        proxy_log=$logs/nginx-proxy.log
        "$nginx" -t -q -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/error.log" >"$proxy_log" 2>&1 \
            || server_failed "nginx (reverse proxy)" "$proxy_log" "rejected its configuration $prefix/nginx.conf"
        start_server "$proxy_log" "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/error.log"
        wait_http "nginx (reverse proxy)" "$SERVER_PID" "$proxy_log" 200 "http://127.0.0.1:$proxy_port/healthz"
    fi

    for conns in 1 16; do
        run_wrk leads direct "leads binary, direct" "$conns" "http://127.0.0.1:$direct_port$direct_path" "$bench_dir/leads.lua"
        run_wrk leads router "via lectern serve" "$conns" "http://127.0.0.1:$router_port/api/leads" "$bench_dir/leads.lua"
        [ -z "$proxy_port" ] || run_wrk leads nginx "via nginx proxy_pass" "$conns" \
            "http://127.0.0.1:$proxy_port$direct_path" "$bench_dir/leads.lua"
    done
    stop_all
fi

# ---------------------------------------------------------------- 3. lesson completion
progress_lesson=""
if [ "$want_progress" = 1 ]; then
    step "Lesson completion: PUT /api/progress/lessons/{id} via lectern serve and the progress binary alone (SQLite)"
    router_port=$(free_port)
    site_url=http://localhost:$router_port
    outbox=$tmp/outbox
    auth_secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
    # One environment for the router's functions and the progress binary run alone: the same
    # database, so the session made through the router authenticates both.
    progress_env=(DATABASE_URL="sqlite://$tmp/progress.sqlite" SITE_URL="$site_url" MAIL_OUTBOX="$outbox"
        LECTERN_RATE_LIMIT=off AUTH_SECRET="$auth_secret")
    router_log=$logs/lectern-serve-progress.log
    start_server "$router_log" env "${progress_env[@]}" \
        "$lectern" serve "$(site_flag serve)" "$serve_site" --dist "$dist" --private-dir "$private" --no-build --port "$router_port"
    router_pid=$SERVER_PID
    wait_http "lectern serve" "$router_pid" "$router_log" 200 "http://127.0.0.1:$router_port$page"
    # The functions may still be starting (503): auth and progress answer 401 to nobody signed in.
    wait_http "lectern serve → auth" "$router_pid" "$router_log" 401 "http://127.0.0.1:$router_port/api/auth/session"
    wait_http "lectern serve → progress" "$router_pid" "$router_log" 401 "http://127.0.0.1:$router_port/api/progress"

    session=$(python3 "$bench_dir/learner_session.py" --url "http://127.0.0.1:$router_port" --origin "$site_url" \
        --outbox "$outbox" --manifest "$private/manifest.json" --course ai-marketing) \
        || server_failed "lectern serve (auth, progress)" "$router_log" "did not give a learner a session and a lesson to complete"
    IFS=$'\t' read -r session_cookie csrf_token progress_lesson lesson_path <<<"$session"
    echo "   learner signed in; lesson: $progress_lesson"

    direct_port=$(free_port)
    direct_log=$logs/progress-direct.log
    start_server "$direct_log" env "${progress_env[@]}" PORT="$direct_port" LECTERN_PRIVATE_DIR="$private" \
        LECTERN_DOTENV="$serve_site/.env" "$progress"
    wait_http "progress (direct)" "$SERVER_PID" "$direct_log" 200 "http://127.0.0.1:$direct_port/healthz"

    hey_options=(-m PUT -H "Cookie: lectern_session=$session_cookie" -H "X-CSRF-Token: $csrf_token"
        -H "Accept: application/json" -T application/json -d '{"completed":true}')
    for target in router direct; do
        if [ "$target" = router ]; then port=$router_port label="via lectern serve"; else port=$direct_port label="progress binary, direct"; fi
        code=$(curl -s -o "$tmp/probe-body" -w '%{http_code}' --max-time 5 -X PUT \
            -H "Cookie: lectern_session=$session_cookie" -H "X-CSRF-Token: $csrf_token" \
            -H 'Content-Type: application/json' --data '{"completed":true}' "http://127.0.0.1:$port$lesson_path" || true)
        [ "$code" = 200 ] || server_failed "$label" "$([ "$target" = router ] && echo "$router_log" || echo "$direct_log")" \
            "answered PUT $lesson_path with ${code:-no status} $(head -c 200 "$tmp/probe-body" 2>/dev/null)"
        run_hey progress "$target-rate" "$label" "$progress_workers" "$progress_rate" \
            "http://127.0.0.1:$port$lesson_path" "${hey_options[@]}"
    done
    for target in router direct; do
        if [ "$target" = router ]; then port=$router_port label="via lectern serve"; else port=$direct_port label="progress binary, direct"; fi
        run_wrk progress "$target-max" "$label" 16 "http://127.0.0.1:$port$lesson_path" \
            "$bench_dir/progress.lua" "$session_cookie" "$csrf_token"
    done
    stop_all
fi

# ---------------------------------------------------------------- 4. cold start
if [ "$want_cold" = 1 ]; then
    step "Cold start: $leads, exec → first GET /healthz 200, $cold_runs runs (after 1 untimed)"
    python3 "$bench_dir/coldstart.py" --runs "$cold_runs" --warmup 1 --env LECTERN_RATE_LIMIT=off \
        --tsv "$raw" --name leads "$leads" | sed 's/^/   /'
fi

# ---------------------------------------------------------------- 5. summary
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- Sources functions Package.swift Package.resolved 2>/dev/null)" ]; then
    commit="$commit+changes"
fi
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //; s/  */ /g' || true)
wrk_version=""
if command -v wrk >/dev/null; then
    wrk_version=$(wrk -v 2>&1 || true)
    wrk_version=$(sed -n '1s/^wrk \([^ ]*\).*/\1/p' <<<"$wrk_version")
fi
meta=("date=$(date -u +%Y-%m-%d)" "lectern=$commit" "cores=$(nproc)" "cpu=\"${cpu:-unknown}\""
    "loadavg=$load_start→$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)")
[ -z "$nginx_version" ] || meta+=("nginx=$nginx_version")
{ [ "$want_static" = 0 ] && [ "$want_leads" = 0 ] && [ "$want_progress" = 0 ]; } || meta+=("wrk=$wrk_version" "warmup=$warmup")
[ -z "$page" ] || meta+=("page=$page" "page_kb=$page_kb")
[ "$want_static" = 0 ] || meta+=("static_wrk=wrk -t1 -c50 -d$duration --latency")
[ "$want_leads" = 0 ] || meta+=("leads_wrk=wrk -t1 -c1|-c16 -d$duration --latency -s bench/leads.lua")
if [ "$want_progress" = 1 ]; then
    meta+=("hey=$(dpkg-query -W -f='${Version}' hey 2>/dev/null || echo unknown)" "progress_lesson=$progress_lesson"
        "progress_rate=$progress_rate" "progress_goal_ms=$progress_goal_ms"
        "progress_hey=hey -z $duration -c $progress_workers -q $((progress_rate / progress_workers)) -m PUT"
        "progress_wrk=wrk -t1 -c16 -d$duration --latency -s bench/progress.lua")
fi
[ "$want_cold" = 0 ] || meta+=("coldstart_warmup=1")
step "Results (also in $results)"
echo
python3 "$bench_dir/serve_report.py" report "$raw" "$results" "${meta[@]}"
