#!/usr/bin/env bash
# Starts what the libvirt driver and its tests need on a machine without systemd: virtlogd and
# libvirtd; Keystone with Glance for jcap push's tests (scripts/openstack-services.sh); OCI registries (scripts/registry-services.sh). Idempotent: a service that runs is left alone. Run as root (or with sudo available).
# Tests that need sshd start their own (on a free port, with their own keys), so none is started.
set -euo pipefail

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

# /dev/kvm as udev leaves it on a Debian host: group kvm, mode 0660. Otherwise libvirt probes QEMU
# as root (KVM usable) but checks /dev/kvm as libvirt-qemu (not usable), finds its capability cache
# stale on every lookup and probes QEMU again, about ten times per domain: ~45 s per start.
if [ -c /dev/kvm ] && getent group kvm >/dev/null && [ "$(stat -c '%G %a' /dev/kvm)" != "kvm 660" ]; then
  $sudo chgrp kvm /dev/kvm
  $sudo chmod 0660 /dev/kvm
fi

# Runtime folders a systemd unit or the full packages would create: libvirt's logs, and sshd's
# privilege separation folder for the sshd the tests start.
$sudo mkdir -p /var/log/libvirt/qemu /run/sshd

if ! pgrep -x virtlogd >/dev/null; then
  $sudo virtlogd -d
fi
if ! pgrep -x libvirtd >/dev/null; then
  $sudo libvirtd -d
fi

# The first connection waits while libvirtd probes QEMU (~12 s); take that wait here, bounded.
deadline=$((SECONDS + 120))
until $sudo timeout 60 virsh -q -c qemu:///system version >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "start-services: libvirtd does not answer on qemu:///system; see /var/log/libvirt/libvirtd.log" >&2
    exit 1
  fi
  sleep 1
done

# Debian's docker-registry package serves its own configuration on :5000 when its install may start
# services (no policy-rc.d refusing it): that is Keystone's port here, and the tests run their own.
if pgrep -f "docker-registry serve /etc/docker/registry/config.yml" >/dev/null; then
  $sudo pkill -f "docker-registry serve /etc/docker/registry/config.yml" || true
fi

# Keystone and Glance on 127.0.0.1 for jcap push's tests (~20 s the first time, then ~0.1 s).
# Without their packages the push tests skip (fail under CI=true, whose scripts/setup.sh installs them).
if command -v keystone-manage >/dev/null && command -v glance-api >/dev/null; then
  $sudo bash "$(dirname "$0")/openstack-services.sh"
else
  echo "start-services: keystone and glance-api are not installed (bash scripts/setup.sh); push tests will skip" >&2
fi

# OCI registries on 127.0.0.1 for jcap push/pull's tests (scripts/registry-services.sh, ~1 s the first time).
if command -v docker-registry >/dev/null && command -v htpasswd >/dev/null; then
  $sudo bash "$(dirname "$0")/registry-services.sh"
else
  echo "start-services: docker-registry is not installed (bash scripts/setup.sh); registry tests will skip" >&2
fi
