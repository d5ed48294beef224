#!/usr/bin/env bash
# Builds jcap (skipping tests) so that bin/jcap works.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests package
# bin/jcap's class data archive for the new jar: its first run makes it in the background once the
# command has ended. Made here and waited for (at most a minute), so that the commands after a
# build start at full speed.
if [ -z "${JCAP_JAVA_OPTS:-}" ]; then
  bin/jcap version >/dev/null
  # The archive's name (bin/jcap): the jar's time and size, and JAVA_HOME when set.
  archive="cli/target/jcap-$(stat -c %Y-%s cli/target/jcap-cli.jar)"
  if [ -n "${JAVA_HOME:-}" ]; then
    archive+=-${JAVA_HOME//[^A-Za-z0-9._-]/_}
  fi
  archive+=.jsa
  for _ in $(seq 600); do
    [ -f "$archive" ] && break
    sleep 0.1
  done
fi
