#!/usr/bin/env bash
# Start, stop and inspect a local single-node Elasticsearch for development, tests, benchmarks and
# the demo. It runs the integration-test distribution from Maven Central (the only Elasticsearch
# server these machines can fetch), as an unprivileged user, on 127.0.0.1.
#
#   scripts/elasticsearch.sh start|stop|status|restart|url
#
# Settings (environment):
#   MUTUAL_ES_VERSION   version of the zip to fetch            (default 9.5.4)
#   MUTUAL_ES_PORT      HTTP port on 127.0.0.1                 (default 9200)
#   MUTUAL_ES_HEAP      JVM heap, -Xms and -Xmx                (default 1g)
#   MUTUAL_ES_CACHE     where the downloaded zip is kept       (default ~/.cache/mutual)
#   MUTUAL_ES_STATE     where the node is unpacked and keeps data and logs
#                       (default /var/tmp/mutual-es-<port>; must be reachable by the node's user)
#   MUTUAL_ES_USER      system user that runs the node when started as root (default mutual-es)
#   ES_JAVA_HOME        a Java 21+ JDK; found automatically when unset
#   MUTUAL_ES_WAIT      seconds to wait for the node to turn yellow (default 180)
#   MUTUAL_ES_SECURE    1: security on, HTTPS with a CA made here, a superuser in the file realm
#                       (a stand-in for a production cluster; default 0)
#   MUTUAL_ES_USERNAME, MUTUAL_ES_PASSWORD   that user (default mutual / mutual-local-password)
#
# With MUTUAL_ES_SECURE=1, `scripts/elasticsearch.sh cacert` prints the CA certificate's path.
set -euo pipefail

ES_VERSION="${MUTUAL_ES_VERSION:-9.5.4}"
ES_PORT="${MUTUAL_ES_PORT:-9200}"
ES_HEAP="${MUTUAL_ES_HEAP:-1g}"
CACHE_DIR="${MUTUAL_ES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mutual}"
STATE_DIR="${MUTUAL_ES_STATE:-/var/tmp/mutual-es-$ES_PORT}"
ES_USER="${MUTUAL_ES_USER:-mutual-es}"
WAIT_SECONDS="${MUTUAL_ES_WAIT:-180}"
COORDS="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
ZIP="$CACHE_DIR/elasticsearch-$ES_VERSION.zip"
HOME_DIR="$STATE_DIR/elasticsearch-$ES_VERSION"
PID_FILE="$STATE_DIR/node.pid"
LOG_FILE="$STATE_DIR/logs/console.log"
SECURE="${MUTUAL_ES_SECURE:-0}"
ES_USERNAME="${MUTUAL_ES_USERNAME:-mutual}"
ES_PASSWORD="${MUTUAL_ES_PASSWORD:-mutual-local-password}"
CERTS="$HOME_DIR/config/certs"
if [[ "$SECURE" == 1 ]]; then URL="https://127.0.0.1:$ES_PORT"; else URL="http://127.0.0.1:$ES_PORT"; fi

say() { printf 'elasticsearch: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

fetch_zip() {
    [[ -s "$ZIP" ]] && return 0
    command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch $COORDS; install it (apt-get install maven)"
    mkdir -p "$CACHE_DIR"
    say "fetching $COORDS from Maven Central (once) ..."
    local tmp
    tmp="$(mktemp -d)"
    if ! mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="$COORDS" -DoutputDirectory="$tmp" >"$tmp/mvn.log" 2>&1; then
        cat "$tmp/mvn.log" >&2
        die "could not resolve $COORDS; set MUTUAL_ES_VERSION to a 9.x release that Maven Central serves"
    fi
    mv "$tmp/elasticsearch-$ES_VERSION.zip" "$ZIP"
    rm -rf "$tmp"
}

java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

find_java_home() {
    if [[ -n "${ES_JAVA_HOME:-}" ]]; then
        [[ -x "$ES_JAVA_HOME/bin/java" ]] || die "ES_JAVA_HOME=$ES_JAVA_HOME has no bin/java"
        echo "$ES_JAVA_HOME"; return
    fi
    local candidate major
    for candidate in /usr/lib/jvm/* "${JAVA_HOME:-}"; do
        [[ -x "$candidate/bin/java" ]] || continue
        major="$(java_major "$candidate/bin/java")"
        if [[ -n "$major" && "$major" -ge 21 ]]; then echo "$candidate"; return; fi
    done
    die "no Java 21+ found in /usr/lib/jvm; install one (apt-get install openjdk-21-jre-headless) or set ES_JAVA_HOME"
}

ensure_user() {
    [[ "$(id -u)" == 0 ]] || return 0
    id "$ES_USER" >/dev/null 2>&1 && return 0
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
}

install_hunspell() {
    local src=/usr/share/hunspell dest="$HOME_DIR/config/hunspell/en_US"
    [[ -s "$dest/en_US.dic" ]] && return 0
    if [[ ! -s "$src/en_US.dic" ]]; then
        command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]] || die "hunspell-en-us dictionaries missing"
        say "installing Debian's hunspell-en-us ..."
        apt-get install -y -q hunspell-en-us >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1; apt-get install -y -q hunspell-en-us >/dev/null; }
    fi
    mkdir -p "$dest"
    # Copied, not linked: Elasticsearch refuses dictionary files outside its config folder.
    cp "$src/en_US.aff" "$src/en_US.dic" "$dest/"
}

write_config() {
    cat >"$HOME_DIR/config/elasticsearch.yml" <<EOF
cluster.name: mutual-local-$ES_PORT
node.name: mutual-local
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
path.data: $STATE_DIR/data
path.logs: $STATE_DIR/logs
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
    if [[ "$SECURE" == 1 ]]; then
        cat >>"$HOME_DIR/config/elasticsearch.yml" <<EOF
xpack.security.enabled: true
xpack.security.authc.api_key.enabled: true
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.key: certs/node.key
xpack.security.http.ssl.certificate: certs/node.crt
xpack.security.http.ssl.certificate_authorities: certs/ca.crt
EOF
    else
        echo "xpack.security.enabled: false" >>"$HOME_DIR/config/elasticsearch.yml"
    fi
    mkdir -p "$HOME_DIR/config/jvm.options.d"
    printf -- '-Xms%s\n-Xmx%s\n' "$ES_HEAP" "$ES_HEAP" >"$HOME_DIR/config/jvm.options.d/heap.options"
}

make_certificates() {
    [[ -s "$CERTS/node.crt" ]] && return 0
    command -v openssl >/dev/null || die "openssl is needed for MUTUAL_ES_SECURE=1"
    mkdir -p "$CERTS"
    say "making a CA and a certificate for 127.0.0.1 in $CERTS ..."
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Mutual local CA" \
        -keyout "$CERTS/ca.key" -out "$CERTS/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$CERTS/node.key" -out "$CERTS/node.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$CERTS/san.ext"
    openssl x509 -req -in "$CERTS/node.csr" -CA "$CERTS/ca.crt" -CAkey "$CERTS/ca.key" \
        -CAcreateserial -days 3650 -extfile "$CERTS/san.ext" -out "$CERTS/node.crt" 2>/dev/null
    chmod 644 "$CERTS/ca.crt"
}

add_superuser() {
    local java_home="$1"
    # A file-realm user: no keystore bootstrap and no API call needed before the first start.
    ES_JAVA_HOME="$java_home" "$HOME_DIR/bin/elasticsearch-users" userdel "$ES_USERNAME" \
        >/dev/null 2>&1 || true
    ES_JAVA_HOME="$java_home" "$HOME_DIR/bin/elasticsearch-users" useradd "$ES_USERNAME" \
        -p "$ES_PASSWORD" -r superuser >/dev/null
}

prepare_node() {
    fetch_zip
    mkdir -p "$STATE_DIR/data" "$STATE_DIR/logs"
    if [[ ! -x "$HOME_DIR/bin/elasticsearch" ]]; then
        command -v unzip >/dev/null || die "unzip is needed (apt-get install unzip)"
        say "unpacking $ZIP into $STATE_DIR ..."
        # unzip keeps the execute bits; Python's zipfile would not.
        unzip -q -o "$ZIP" -d "$STATE_DIR"
    fi
    install_hunspell
    write_config
    if [[ "$SECURE" == 1 ]]; then
        make_certificates
        add_superuser "$(find_java_home)"
    fi
    ensure_user
    if [[ "$(id -u)" == 0 ]]; then chown -R "$ES_USER" "$STATE_DIR"; fi
}

# The pid file holds the leader of the process session the node was started in (launcher and
# server JVM alike), so stop reaches exactly what start began and nothing else.
running_pid() {
    [[ -s "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    kill -0 "$pid" 2>/dev/null || return 1
    # Only a pid that still belongs to our node counts; pids get reused.
    grep -q "elasticsearch" "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

healthy() {
    local auth=()
    if [[ "$SECURE" == 1 ]]; then auth=(--cacert "$CERTS/ca.crt" -u "$ES_USERNAME:$ES_PASSWORD"); fi
    curl -fsS -m 5 "${auth[@]}" "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" \
        >/dev/null 2>&1
}

wait_for_health() {
    local waited=0
    while (( waited < WAIT_SECONDS )); do
        if healthy; then return 0; fi
        running_pid >/dev/null || return 1
        sleep 2; waited=$((waited + 2))
    done
    return 1
}

launch() {
    local java_home="$1" cmd
    : >"$LOG_FILE"
    cmd="ES_JAVA_HOME='$java_home' exec '$HOME_DIR/bin/elasticsearch' >>'$LOG_FILE' 2>&1"
    if [[ "$(id -u)" == 0 ]]; then
        chown "$ES_USER" "$LOG_FILE"
        setsid runuser -u "$ES_USER" -- bash -c "$cmd" </dev/null >/dev/null 2>&1 9>&- &
    else
        setsid bash -c "$cmd" </dev/null >/dev/null 2>&1 9>&- &
    fi
    echo "$!" >"$PID_FILE"
    disown || true
}

cmd_start() {
    if running_pid >/dev/null; then
        if wait_for_health; then say "already running at $URL (pid $(running_pid))"; return 0; fi
        die "a node is running (pid $(running_pid)) but not healthy; see $LOG_FILE"
    fi
    if healthy; then die "something else already answers at $URL; pick another MUTUAL_ES_PORT"; fi
    prepare_node
    local java_home
    java_home="$(find_java_home)"
    say "starting Elasticsearch $ES_VERSION on $URL (java: $java_home, heap $ES_HEAP) ..."
    launch "$java_home"
    if ! wait_for_health; then
        say "the node did not become healthy within ${WAIT_SECONDS}s; its log follows"
        tail -n 80 "$LOG_FILE" >&2 || true
        tail -n 40 "$STATE_DIR/logs/mutual-local-$ES_PORT.log" >&2 2>/dev/null || true
        cmd_stop >/dev/null 2>&1 || true
        exit 1
    fi
    say "ready at $URL (pid $(running_pid))"
}

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then say "not running"; rm -f "$PID_FILE"; return 0; fi
    say "stopping pid $pid and its process group ..."
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    for _ in $(seq 1 60); do
        if ! kill -0 -- "-$pid" 2>/dev/null; then say "stopped"; rm -f "$PID_FILE"; return 0; fi
        sleep 1
    done
    say "pid $pid did not stop in 60s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        if healthy; then echo "running at $URL (pid $pid)"; return 0; fi
        echo "starting or unhealthy (pid $pid); log: $LOG_FILE"; return 3
    fi
    echo "not running"; return 3
}

with_lock() {
    mkdir -p "$STATE_DIR"
    # One start or stop at a time per node, so two callers never launch two nodes.
    exec 9>"$STATE_DIR/.lock"
    flock 9
    "$@"
}

case "${1:-}" in
    start) with_lock cmd_start ;;
    stop) with_lock cmd_stop ;;
    restart) with_lock cmd_stop; cmd_start ;;
    status) cmd_status ;;
    url) echo "$URL" ;;
    cacert) echo "$CERTS/ca.crt" ;;
    *) echo "usage: $0 start|stop|restart|status|url|cacert" >&2; exit 2 ;;
esac
