#!/bin/sh
# Compiles the example into server.jar with the JDK's own javac and jar: no build tool needed.
# Fixed entry times make the jar the same bytes on every build.
set -eu
cd "$(dirname "$0")"
rm -rf classes
javac --release 17 -d classes src/server/HelloServer.java
jar --create --file server.jar --date 2000-01-01T00:00:00Z --main-class server.HelloServer -C classes .
rm -rf classes
