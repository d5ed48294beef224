#!/usr/bin/env bash
# What the tests must leave as they found it, checked around them by scripts/test.sh:
#   bash scripts/check-leftovers.sh before STATE   records the machine's kernel store and images
#   bash scripts/check-leftovers.sh after STATE    fails (listing them) on QEMU processes, libvirt
#                                                   domains named jcap-*, or a changed store
# Tests work in homes of their own; some link the machine's kernel store (~/.jcap/kernels) into
# theirs, so a test that imports a kernel there would leave it behind, unseen by the test itself.
set -euo pipefail
mode=${1:?usage: check-leftovers.sh before|after STATE-FILE}
state=${2:?usage: check-leftovers.sh before|after STATE-FILE}
home=${JCAP_HOME:-$HOME/.jcap}

store() {
  for dir in "$home/kernels" "$home/images"; do
    if [ -d "$dir" ]; then
      # Not the locks and the digest cache, which any use of the store may make.
      find "$dir" -mindepth 1 -maxdepth 1 ! -name '.*' -printf '%p\n' | sort
    fi
  done
}

if [ "$mode" = before ]; then
  store > "$state"
  exit 0
fi

problems=()
# A guest's QEMU and its console keeper end a moment after the test that stopped them.
for _ in $(seq 1 50); do
  qemus=$(pgrep -a -f '^[^ ]*qemu-system' || true)
  [ -z "$qemus" ] && break
  sleep 0.2
done
[ -n "$qemus" ] && problems+=("QEMU processes still running:"$'\n'"$qemus")
if command -v virsh > /dev/null && virsh -c qemu:///system list --all --name > /dev/null 2>&1; then
  domains=$(virsh -c qemu:///system list --all --name | grep '^jcap-' || true)
  [ -n "$domains" ] && problems+=("libvirt domains left:"$'\n'"$domains")
fi
changed=$(diff "$state" <(store) || true)
[ -n "$changed" ] && problems+=("the kernel store or the images of $home changed (< before, > after):"$'\n'"$changed")

if [ ${#problems[@]} -gt 0 ]; then
  printf 'check-leftovers: the tests left things behind\n' >&2
  printf '%s\n' "${problems[@]}" >&2
  exit 1
fi
echo "check-leftovers: no QEMU process, no jcap domain, $home's kernels and images as before"
