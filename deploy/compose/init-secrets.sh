#!/usr/bin/env bash
# Makes the compose stack's secrets once: a random database password, as PostgreSQL's password
# file and as salesflowd's database URL (SALESFLOW_DB_FILE). Keeps existing ones.
set -euo pipefail
dir="$(dirname "$0")/secrets"
mkdir -p "$dir" && chmod 700 "$dir"
if [ ! -s "$dir/postgres_password" ]; then
    password=$(openssl rand -hex 24)
    # Readable by the containers' users (the files are bind-mounted); the directory keeps others out.
    (umask 022 && printf '%s' "$password" > "$dir/postgres_password" \
        && printf 'postgresql://salesflow:%s@postgres:5432/salesflow' "$password" > "$dir/salesflow_db_url")
    echo "wrote $dir/postgres_password and $dir/salesflow_db_url"
fi
[ -e "$dir/metrics_token" ] || (umask 022 && : > "$dir/metrics_token")
