#!/bin/sh
# Capstan packages have no build step of their own: build the program before 'jcap build'.
# OSv runs position-independent executables linked against the C library it provides.
set -eu
cd "$(dirname "$0")"
cc -O2 -fPIE -pie -o hello hello.c
