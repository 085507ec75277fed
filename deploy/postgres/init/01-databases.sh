#!/usr/bin/env bash
# Run once by the postgres image (mounted into /docker-entrypoint-initdb.d) on the first start of
# an empty data volume: one database and one login role per service, each role owning its own
# database and allowed into no other (DESIGN.md §6). Names default to <svc>_db / <svc>;
# <SVC>_DB_NAME and <SVC>_DB_USER override them (the tests use throwaway names), and each
# <SVC>_DB_PASSWORD is required. Connects as POSTGRES_USER with the usual PG* variables.
set -euo pipefail

SERVICES=(auth author category book)

# Fails before creating anything when a password is missing.
for svc in "${SERVICES[@]}"; do
  pass_var="${svc^^}_DB_PASSWORD"
  if [[ -z "${!pass_var:-}" ]]; then
    echo "01-databases.sh: ${pass_var} is not set (see .env.example)" >&2
    exit 1
  fi
done

create_service_database() {
  local svc=$1
  local upper=${svc^^}
  local db_var="${upper}_DB_NAME" user_var="${upper}_DB_USER" pass_var="${upper}_DB_PASSWORD"
  local db=${!db_var:-${svc}_db} user=${!user_var:-${svc}}
  echo "01-databases.sh: database ${db} owned by role ${user}"
  # psql variables (:"name" identifiers, :'value' literals) quote the names and the password.
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v db="$db" -v role="$user" -v pass="${!pass_var}" <<'SQL'
create role :"role" login password :'pass';
create database :"db" owner :"role";
revoke all on database :"db" from public;
SQL
}

for svc in "${SERVICES[@]}"; do
  create_service_database "$svc"
done
