#!/bin/sh
# deptcrypt image entrypoint: one image, the app chosen by the first argument.
#   deptcrypt encryptor [--config FILE]   the encryptor topology   (topology/target/deptcrypt-topology.jar)
#   deptcrypt consumer  [--config FILE]   a department consumer    (consumers/target/deptcrypt-consumer.jar)
#   deptcrypt localkms  [ARGS...]         the local KMS            (localkms/target/localkms.jar)
# On ECS the rendered apps stack passes the app's properties in DEPTCRYPT_CONFIG and the governance file in
# DEPTCRYPT_GOVERNANCE; they are written under DEPTCRYPT_WORK_DIR (a writable volume: the root file system is
# read-only) and the app is started with --config pointing at them. Neither is ever echoed: no secrets are in them,
# but logs stay quiet about configuration contents by rule.
set -eu

home="${DEPTCRYPT_HOME:-/opt/deptcrypt}"
java="${DEPTCRYPT_JAVA:-java}"
work="${DEPTCRYPT_WORK_DIR:-/tmp/deptcrypt}"
java_opts="${JAVA_OPTS:--XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError}"

usage() {
  cat <<'TXT'
usage: deptcrypt <encryptor|consumer|localkms> [app arguments]
  encryptor   the encryptor topology; --config FILE, or DEPTCRYPT_CONFIG holding the properties
  consumer    a department consumer;  --config FILE, or DEPTCRYPT_CONFIG holding the properties
  localkms    the local KMS; without arguments: --governance <governance> --port 4599 --state-dir <work>/kms
environment: DEPTCRYPT_CONFIG, DEPTCRYPT_GOVERNANCE (file contents), DEPTCRYPT_WORK_DIR, JAVA_OPTS
TXT
}

app="${1:-help}"
if [ $# -gt 0 ]; then shift; fi

case "$app" in
  encryptor) jar="$home/lib/deptcrypt-topology.jar" ;;
  consumer)  jar="$home/lib/deptcrypt-consumer.jar" ;;
  localkms)  jar="$home/lib/localkms.jar" ;;
  help|-h|--help) usage; exit 0 ;;
  *) echo "deptcrypt: unknown app '$app' (expected encryptor, consumer or localkms)" >&2; usage >&2; exit 2 ;;
esac

if [ ! -f "$jar" ]; then
  echo "deptcrypt: $jar is missing from the image (build the jars before docker build)" >&2
  exit 2
fi

mkdir -p "$work"
governance="$home/config/governance.yaml"
if [ -n "${DEPTCRYPT_GOVERNANCE:-}" ]; then
  governance="$work/governance.yaml"
  printf '%s\n' "$DEPTCRYPT_GOVERNANCE" > "$governance"
fi

if [ "$app" = localkms ]; then
  if [ $# -eq 0 ]; then
    set -- --governance "$governance" --port 4599 --state-dir "$work/kms"
  fi
elif [ -n "${DEPTCRYPT_CONFIG:-}" ]; then
  printf '%s\n' "$DEPTCRYPT_CONFIG" > "$work/$app.properties"
  set -- --config "$work/$app.properties" "$@"
fi

# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$java" $java_opts -jar "$jar" "$@"
