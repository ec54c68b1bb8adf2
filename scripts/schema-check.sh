#!/usr/bin/env bash
# Fails when the entities and the migrations disagree: migrates a scratch database, then asks
# TypeORM whether it would generate anything. Needs a build (npm run build).
set -euo pipefail
server="${TEST_DATABASE_SERVER:-mysql://root@127.0.0.1:3306}"
scheme=mysql
mysql -uroot -h127.0.0.1 -N -e 'SELECT VERSION()' 2>/dev/null | grep -qi mariadb && scheme=mariadb
name="remiss_schema_check_$$"
url="${scheme}://${server#*://}/${name}"
trap 'mysql -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS ${name}" >/dev/null 2>&1 || true' EXIT
DATABASE_URL="$url" MIGRATIONS_RUN=true node dist/src/database/migrate.js >/dev/null
DATABASE_URL="$url" npx typeorm -d dist/src/database/data-source.js migration:generate --dryrun --check migrations/SchemaCheck
