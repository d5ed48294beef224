#!/usr/bin/env bash
# Three OCI registries from Debian's docker-registry (distribution 2.8) on 127.0.0.1, for jcap's
# registry tests (docs/registries.md; ../shared/reference/local-services.md): one plain HTTP
# without auth, one TLS (a self-signed certificate for 127.0.0.1 and localhost) with htpasswd
# basic auth, and one plain HTTP with Bearer token auth whose tokens (JWT, RS256, signed by the key
# in $state/token) the test's own token service issues: Debian packages no token service.
# The first run sets up the state folder; later runs only start what does not answer.
# What the tests need (URLs, the user and its password, the certificate) goes to
# $state/registry.properties, which test-support's LocalRegistry reads.
#
#   JCAP_SERVICES_DIR        the state folder's parent (default /var/lib/jcap-services)
#   JCAP_REGISTRY_PORT       the plain registry's port (default 5100)
#   JCAP_REGISTRY_TLS_PORT   the TLS registry's port (default 5143)
#   JCAP_REGISTRY_TOKEN_PORT the token registry's port (default 5180); its token service's is the next
set -euo pipefail

state="${JCAP_SERVICES_DIR:-/var/lib/jcap-services}/registry"
port="${JCAP_REGISTRY_PORT:-5100}"
tls_port="${JCAP_REGISTRY_TLS_PORT:-5143}"
token_port="${JCAP_REGISTRY_TOKEN_PORT:-5180}"
realm_port=$((token_port + 1))
fixture="$state/registry.properties"

for tool in docker-registry htpasswd openssl curl python3; do
  command -v "$tool" >/dev/null || { echo "registry-services: $tool is missing (bash scripts/setup.sh)" >&2; exit 1; }
done
mkdir -p "$state"
chmod 0700 "$state"

# Writes the configuration of registry $1 (plain or tls) listening on port $2.
configure() {
  local name=$1 listen=$2
  mkdir -p "$state/$name/storage"
  {
    echo "version: 0.1"
    echo "log: {level: warn}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $state/$name/storage}"
    echo "  delete: {enabled: true}"
    echo "http:"
    echo "  addr: 127.0.0.1:$listen"
    if [ "$name" = tls ]; then
      echo "  tls: {certificate: $state/certs/ca.crt, key: $state/certs/server.key}"
      echo "auth:"
      echo "  htpasswd: {realm: jcap-test, path: $state/htpasswd}"
    elif [ "$name" = token ]; then
      echo "auth:"
      echo "  token: {realm: \"http://127.0.0.1:$realm_port/token\", service: jcap-test-registry, issuer: jcap-test-tokens,"
      echo "          rootcertbundle: $state/token/token.crt}"
    fi
  } >"$state/$name/config.yml"
}

# Starts registry $1 unless something answers at URL $2, and waits (bounded) until it does.
start() {
  local name=$1 url=$2
  if ! curl -s -o /dev/null --cacert "$state/certs/ca.crt" "$url/v2/"; then
    setsid nohup docker-registry serve "$state/$name/config.yml" >>"$state/$name.log" 2>&1 </dev/null &
    echo $! >"$state/$name.pid"
  fi
  local deadline=$((SECONDS + 30))
  until curl -s -o /dev/null --cacert "$state/certs/ca.crt" "$url/v2/"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "registry-services: $url does not answer after 30 s; see $state/$name.log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# A fixture from before the token registry existed is set up again.
if [ ! -f "$fixture" ] || ! grep -q '^token=' "$fixture"; then
  # A half-done earlier setup is started over.
  find "$state" -mindepth 1 -delete
  mkdir -p "$state/certs"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=jcap test registry" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$state/certs/server.key" -out "$state/certs/ca.crt" 2>/dev/null
  mkdir -p "$state/token"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=jcap-test-tokens" \
    -keyout "$state/token/token.key" -out "$state/token/token.crt" 2>/dev/null
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
  # distribution accepts bcrypt entries only.
  htpasswd -Bbn jcap-test "$password" >"$state/htpasswd"
  configure plain "$port"
  configure tls "$tls_port"
  configure token "$token_port"
  umask 077
  cat >"$fixture.new" <<EOT
# Written by scripts/registry-services.sh: the test registries on this machine.
plain=127.0.0.1:$port
tls=127.0.0.1:$tls_port
user=jcap-test
password=$password
cert_dir=$state/certs
storage_plain=$state/plain/storage
storage_tls=$state/tls/storage
token=127.0.0.1:$token_port
token_realm_port=$realm_port
token_service=jcap-test-registry
token_issuer=jcap-test-tokens
token_key=$state/token/token.key
token_cert=$state/token/token.crt
EOT
  mv "$fixture.new" "$fixture"
fi

start plain "http://127.0.0.1:$port"
start tls "https://127.0.0.1:$tls_port"
start token "http://127.0.0.1:$token_port"
echo "registry-services: http://127.0.0.1:$port (no auth), https://127.0.0.1:$tls_port (htpasswd)," \
  "http://127.0.0.1:$token_port (tokens from 127.0.0.1:$realm_port); fixture $fixture" >&2
