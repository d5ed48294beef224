#!/usr/bin/env bash
# Keystone and Glance from Debian's packages on 127.0.0.1, for jcap push's tests: SQLite, a file
# store, no Apache, no systemd (docs/push.md; ../shared/reference/local-services.md). Everything lives
# under one state folder; the first run sets it up (about 10 s), later runs only start what is not
# answering. What the tests need (URLs, the test user's password, an application credential) goes
# to $state/cloud.properties, which test-support's OpenStackCloud reads.
#
#   JCAP_SERVICES_DIR    the state folder's parent (default /var/lib/jcap-services)
#   JCAP_KEYSTONE_PORT   Keystone's port (default 5000)
#   JCAP_GLANCE_PORT     Glance's port (default 9292)
set -euo pipefail

state="${JCAP_SERVICES_DIR:-/var/lib/jcap-services}/openstack"
ks_port="${JCAP_KEYSTONE_PORT:-5000}"
gl_port="${JCAP_GLANCE_PORT:-9292}"
ks_url="http://127.0.0.1:$ks_port"
gl_url="http://127.0.0.1:$gl_port"
fixture="$state/cloud.properties"

for tool in keystone-manage keystone-wsgi-public glance-manage glance-api curl python3; do
  command -v "$tool" >/dev/null || { echo "openstack-services: $tool is missing (bash scripts/setup.sh)" >&2; exit 1; }
done
mkdir -p "$state"
chmod 0700 "$state"

secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(18))'; }
wal() { python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' "$1"; }
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# Waits (bounded) until $1 answers HTTP; $2 names the log to read when it does not.
wait_http() {
  local deadline=$((SECONDS + 30))
  until curl -s -o /dev/null "$1"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "openstack-services: $1 does not answer after 30 s; see $2" >&2
      exit 1
    fi
    sleep 0.2
  done
}

start_keystone() {
  if ! curl -s -o /dev/null "$ks_url/v3"; then
    OS_KEYSTONE_CONFIG_FILES="$state/keystone.conf" setsid nohup keystone-wsgi-public --host 127.0.0.1 \
      --port "$ks_port" >>"$state/keystone.log" 2>&1 </dev/null &
    echo $! >"$state/keystone.pid"
  fi
  wait_http "$ks_url/v3" "$state/keystone.log"
}

start_glance() {
  if ! curl -s -o /dev/null "$gl_url/versions"; then
    setsid nohup glance-api --config-file "$state/glance-api.conf" >>"$state/glance.log" 2>&1 </dev/null &
    echo $! >"$state/glance.pid"
  fi
  wait_http "$gl_url/versions" "$state/glance.log"
}

if [ -f "$fixture" ]; then
  start_keystone
  start_glance
  exit 0
fi

# A half-done earlier setup is started over.
find "$state" -mindepth 1 -delete
admin_password=$(secret)
glance_password=$(secret)
test_password=$(secret)

mkdir -p "$state/images" "$state/staging" "$state/tasks"
cp /etc/glance/glance-api-paste.ini "$state/glance-api-paste.ini" 2>/dev/null \
  || cp /usr/share/glance-common/glance-api-paste.ini "$state/glance-api-paste.ini"
cat >"$state/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $gl_port
workers = 0
enabled_backends = fs:file
log_file = $state/glance-server.log
[database]
connection = sqlite:///$state/glance.db
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $state/images
[os_glance_staging_store]
filesystem_store_datadir = $state/staging
[os_glance_tasks_store]
filesystem_store_datadir = $state/tasks
[paste_deploy]
flavor = keystone
config_file = $state/glance-api-paste.ini
[keystone_authtoken]
www_authenticate_uri = $ks_url
auth_url = $ks_url
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = glance
password = $glance_password
EOF
cat >"$state/keystone.conf" <<EOF
[DEFAULT]
log_file = $state/keystone-server.log
[database]
connection = sqlite:///$state/keystone.db
[token]
provider = fernet
[fernet_tokens]
key_repository = $state/fernet-keys
[fernet_receipts]
key_repository = $state/fernet-receipts
[credential]
key_repository = $state/credential-keys
EOF
km() { keystone-manage --config-file "$state/keystone.conf" "$@" >>"$state/setup.log" 2>&1; }
# Each step is a Python start of a few seconds; the independent ones run side by side.
km fernet_setup --keystone-user root --keystone-group root &
steps=($!)
km credential_setup --keystone-user root --keystone-group root &
steps+=($!)
glance_db() {
  glance-manage --config-file "$state/glance-api.conf" db_sync >>"$state/setup-glance.log" 2>&1
  wal "$state/glance.db"
}
glance_db &
steps+=($!)
km db_sync
wal "$state/keystone.db"
for step in "${steps[@]}"; do
  wait "$step" || { echo "openstack-services: a setup step failed; see $state/setup*.log" >&2; exit 1; }
done
km bootstrap --bootstrap-password "$admin_password" --bootstrap-region-id RegionOne \
  --bootstrap-admin-url "$ks_url/v3" --bootstrap-internal-url "$ks_url/v3" --bootstrap-public-url "$ks_url/v3"
start_keystone
start_glance &
glance_started=$!

# POSTs JSON $2 to Keystone's $1 with token $TOKEN; prints the answer.
ks() {
  curl -sf -X POST -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' -d "$2" "$ks_url/v3/$1"
}
token_for() { # user password project
  curl -sf -D - -o /dev/null -H 'Content-Type: application/json' "$ks_url/v3/auth/tokens" -d "{\"auth\": {
    \"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"$1\", \"password\": \"$2\",
    \"domain\": {\"id\": \"default\"}}}}, \"scope\": {\"project\": {\"name\": \"$3\", \"domain\": {\"id\": \"default\"}}}}}" \
    | tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p'
}
TOKEN=$(token_for admin "$admin_password" admin)
role_id() {
  curl -sf -H "X-Auth-Token: $TOKEN" "$ks_url/v3/roles?name=$1" | json 'd["roles"][0]["id"]'
}
admin_role=$(role_id admin)
member_role=$(role_id member)
new_user() { # name password project role
  local project user
  project=$(ks projects "{\"project\": {\"name\": \"$3\", \"domain_id\": \"default\"}}" | json 'd["project"]["id"]')
  user=$(ks users "{\"user\": {\"name\": \"$1\", \"password\": \"$2\", \"domain_id\": \"default\"}}" | json 'd["user"]["id"]')
  curl -sf -X PUT -H "X-Auth-Token: $TOKEN" "$ks_url/v3/projects/$project/users/$user/roles/$4"
  echo "$user"
}
new_user glance "$glance_password" service "$admin_role" >/dev/null
test_user=$(new_user jcap-test "$test_password" jcap-test "$member_role")
service=$(ks services '{"service": {"type": "image", "name": "glance"}}' | json 'd["service"]["id"]')
for interface in public internal admin; do
  ks endpoints "{\"endpoint\": {\"service_id\": \"$service\", \"interface\": \"$interface\", \"region_id\": \"RegionOne\",
    \"url\": \"$gl_url\"}}" >/dev/null
done
# A region whose image service never answers (port 9, nothing listens): tests of an unreachable Glance.
ks regions '{"region": {"id": "Unreachable"}}' >/dev/null
ks endpoints "{\"endpoint\": {\"service_id\": \"$service\", \"interface\": \"public\", \"region_id\": \"Unreachable\",
  \"url\": \"http://127.0.0.1:9\"}}" >/dev/null
TOKEN=$(token_for jcap-test "$test_password" jcap-test)
app_credential=$(ks "users/$test_user/application_credentials" '{"application_credential": {"name": "jcap-test"}}')

start_glance

wait "$glance_started"
umask 077
cat >"$fixture.new" <<EOF
# Written by scripts/openstack-services.sh: the test cloud on this machine.
auth_url=$ks_url/v3
image_url=$gl_url
region=RegionOne
unreachable_region=Unreachable
user_domain=Default
project_domain=Default
project=jcap-test
user=jcap-test
password=$test_password
application_credential_id=$(echo "$app_credential" | json 'd["application_credential"]["id"]')
application_credential_secret=$(echo "$app_credential" | json 'd["application_credential"]["secret"]')
EOF
mv "$fixture.new" "$fixture"
echo "openstack-services: Keystone at $ks_url/v3, Glance at $gl_url; test cloud in $fixture" >&2
