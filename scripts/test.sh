#!/usr/bin/env bash
# Runs every test project. Installs PostgreSQL's server binaries when missing (the tests start their own
# throwaway cluster on 127.0.0.1), unless HYBRID_TEST_POSTGRES names a server to use instead, and Debian's
# nats-server when missing (the broker tests start private servers with JetStream on 127.0.0.1), and Debian's chromium
# when missing (the admin page is loaded in headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${HYBRID_TEST_POSTGRES:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries not found: installing them with apt-get."
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  echo "nats-server not found: installing it with apt-get."
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq nats-server >/dev/null
fi

if [ ! -x /usr/bin/chromium ] && [ ! -x /usr/bin/chromium-browser ]; then
  echo "chromium not found: installing it with apt-get (the admin page is tested in headless Chromium)."
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

# The admin page test saves its screenshot under $HYBRID_TEST_RESULTS/screenshots.
export HYBRID_TEST_RESULTS="${HYBRID_TEST_RESULTS:-$PWD/TestResults}"
results="$HYBRID_TEST_RESULTS"
dotnet build Hybrid.sln -c Release

# One project at a time, each with its own results folder: the machine may have only two cores, and the
# PostgreSQL-backed suites should not compete with each other.
status=0
for project in $(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.??proj); do
  name="$(basename "$(dirname "$project")")"
  dotnet test "$project" -c Release --no-build \
    --logger "trx" --logger "console;verbosity=minimal" \
    --results-directory "$results/$name" \
    --blame-hang-timeout 10m || status=1
done
exit $status
