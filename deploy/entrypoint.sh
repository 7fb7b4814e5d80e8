#!/bin/sh
# The container's entrypoint (installed as /usr/local/bin/plughost-entrypoint).
#
#   plughost-entrypoint run [OPTIONS]        one process for every shard (the default)
#   plughost-entrypoint cluster [OPTIONS]    `plughost cluster`: several shard processes
#   plughost-entrypoint healthcheck          exit 0 when /healthz answers 200 (HEALTHCHECK)
#   plughost-entrypoint ANYTHING ...         `plughost ANYTHING ...` (status, cogs, backup)
#
# On the first start it creates the instance from the environment:
#   PLUGHOST_INSTANCE  the instance's name (default: bot)
#   PLUGHOST_DSN       postgres://user:password@host:5432/db; SQLite in the data volume if unset
#   PLUGHOST_PREFIX    the command prefix (default: !)
#   PLUGHOST_OWNERS    bot owners' Discord user ids, separated by spaces
# and serves metrics on PLUGHOST_METRICS (default 0.0.0.0:9100; a cluster's
# processes take the next ports). PLUGHOST_TOKEN is the bot token; it is never saved.
set -eu

: "${PLUGHOST_HOME:=/data}"
: "${PLUGHOST_INSTANCE:=bot}"
: "${PLUGHOST_METRICS:=0.0.0.0:9100}"
: "${PLUGHOST_LOG_FORMAT:=json}"
export PLUGHOST_HOME

ensure_instance() {
    if [ -f "$PLUGHOST_HOME/$PLUGHOST_INSTANCE/settings.json" ]; then
        return
    fi
    set -- --no-prompt --prefix "${PLUGHOST_PREFIX:-!}"
    if [ -n "${PLUGHOST_DSN:-}" ]; then
        set -- "$@" --dsn "$PLUGHOST_DSN"
    fi
    for owner in ${PLUGHOST_OWNERS:-}; do
        set -- "$@" --owner "$owner"
    done
    plughost setup "$PLUGHOST_INSTANCE" "$@" </dev/null
}

command="${1:-run}"
[ "$#" -gt 0 ] && shift

case "$command" in
    run | cluster)
        ensure_instance
        exec plughost "$command" "$PLUGHOST_INSTANCE" \
            --metrics "$PLUGHOST_METRICS" --log-format "$PLUGHOST_LOG_FORMAT" "$@"
        ;;
    healthcheck)
        port="${PLUGHOST_METRICS##*:}"
        exec python - "$port" <<'PY'
import sys
import urllib.request

try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=4) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except OSError as exc:
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
PY
        ;;
    *)
        exec plughost "$command" "$@"
        ;;
esac
