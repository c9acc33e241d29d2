#!/usr/bin/env bash
# Starts the machine's PostgreSQL cluster and makes sure the role and database the store tests use
# exist. Safe to run again and again; run as root. Prints the URL for WARDEN_TEST_POSTGRES_URL as
# its last line of standard output (everything else goes to standard error).
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_ROLE="${WARDEN_PG_ROLE:-warden}"
PG_PASSWORD="${WARDEN_PG_PASSWORD:-warden}"
PG_DATABASE="${WARDEN_PG_DATABASE:-warden_test}"

log() { echo "postgres-setup: $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  log "pg_lsclusters is missing; installing the postgresql package"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-${PG_VERSION}" >&2
fi

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "${PG_VERSION} ${PG_CLUSTER}"; then
  log "creating cluster ${PG_VERSION}/${PG_CLUSTER}"
  pg_createcluster "${PG_VERSION}" "${PG_CLUSTER}" >&2
fi

if ! pg_lsclusters -h | awk -v v="${PG_VERSION}" -v c="${PG_CLUSTER}" '$1==v && $2==c {print $4}' \
    | grep -q online; then
  log "starting cluster ${PG_VERSION}/${PG_CLUSTER}"
  pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" start >&2
fi

PG_PORT="$(pg_lsclusters -h | awk -v v="${PG_VERSION}" -v c="${PG_CLUSTER}" '$1==v && $2==c {print $3}')"

# Wait for the server to accept connections; a fresh start can take a moment.
for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q -p ${PG_PORT}"; then
    break
  fi
  sleep 1
done
su postgres -c "pg_isready -q -p ${PG_PORT}" || { log "server on port ${PG_PORT} is not ready"; exit 1; }

psql_admin() { su postgres -c "psql -p ${PG_PORT} -v ON_ERROR_STOP=1 -qAt $*"; }

if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname = '${PG_ROLE}'\"")" != "1" ]; then
  log "creating role ${PG_ROLE}"
  psql_admin "-c \"CREATE ROLE ${PG_ROLE} LOGIN PASSWORD '${PG_PASSWORD}'\""
else
  psql_admin "-c \"ALTER ROLE ${PG_ROLE} LOGIN PASSWORD '${PG_PASSWORD}'\""
fi

if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = '${PG_DATABASE}'\"")" != "1" ]; then
  log "creating database ${PG_DATABASE}"
  su postgres -c "createdb -p ${PG_PORT} -O ${PG_ROLE} ${PG_DATABASE}"
fi

echo "postgresql://${PG_ROLE}:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/${PG_DATABASE}"
