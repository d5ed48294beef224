#!/bin/sh
# Compiles the example into hello.jar with the JDK's own javac and jar: no build tool needed.
# Fixed entry times make the jar the same bytes on every build, so an unchanged project
# rebuilds into the unchanged image.
set -eu
cd "$(dirname "$0")"
rm -rf classes
javac --release 17 -d classes src/hello/Hello.java
jar --create --file hello.jar --date 2000-01-01T00:00:00Z --main-class hello.Hello -C classes .
rm -rf classes
