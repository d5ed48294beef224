#!/usr/bin/env bash
# Builds jcap (skipping tests) so that bin/jcap works.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests package
