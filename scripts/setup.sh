#!/usr/bin/env bash
# Installs the system packages jcap needs on a Debian machine: quiet, idempotent, and fast when
# everything is already there. Run as root (or with sudo available).
set -euo pipefail

packages=(
  openjdk-17-jdk-headless maven          # build jcap
  qemu-system-x86 qemu-utils             # boot builder and application VMs, qemu-img
  qemu-system-data                       # qboot (qboot.rom), the firmware direct boots start through
  musl-tools                             # compile the static guest init and the C examples
  clang libclang-rt-14-dev               # scripts/fuzz.sh: libFuzzer, ASan and UBSan for the init's parsers
  e2fsprogs extlinux syslinux-common     # builder guest tools: mke2fs, extlinux, MBR code
  grub-efi-amd64-bin ovmf                # UEFI boot of Linux images: GRUB's loader (grub-mkimage), OVMF to run it
  busybox-static cpio                    # debugging guests by hand; bench/stream.sh's floor guest (busybox nc, cat)
  python3 curl                           # test clients
  bsdutils                               # script: a pseudo-terminal for jcap login's prompt test (LoginTerminalIT)
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients  # the libvirt driver (no systemd units)
  openssh-server openssh-client          # remote libvirt hosts; tests run their own sshd
  redis-server redis-tools               # examples/redis and its test client redis-cli
  keystone glance-api                    # jcap push's tests: a real Keystone and Glance (scripts/openstack-services.sh)
  socat                                  # jcap push's TLS tests: a TLS front (OpenSSL) to Keystone; cloud-init tests: guestfwd to a metadata stand-in
  cloud-image-utils genisoimage xorriso dosfstools mtools  # cloud-init seeds made by other tools (cloud-localds, genisoimage, isoinfo)
  gdisk fdisk                            # formats tests: sgdisk and sfdisk check the GPT disks jcap writes; bench/stream.sh partitions its floor disk
  gcc make flex bison bc libelf-dev linux-source-6.1  # jcap kernels build linux-mini: Debian's kernel source and its build tools
  docker-registry skopeo umoci apache2-utils openssl  # registry tests: distribution on 127.0.0.1 (scripts/registry-services.sh), readers of what jcap pushes, htpasswd
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

missing=()
for p in "${packages[@]}"; do
  case "$p" in \#*) continue ;; esac
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

lists_fresh() {
  # apt-get download of the kernel needs package lists that know it.
  apt-cache policy linux-image-cloud-amd64 2>/dev/null | grep -q 'Candidate: [0-9]'
}

if [ ${#missing[@]} -gt 0 ] || ! lists_fresh; then
  echo "setup: installing ${missing[*]:-(package lists only)}" >&2
  $sudo apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# What libvirt-daemon-system would set up, without pulling in systemd: libvirt's QEMU driver does
# not start unless its compiled-in user libvirt-qemu exists, and that user reaches /dev/kvm
# through the kvm group, as on any Debian host (scripts/start-services.sh sets the device's group).
if ! getent group kvm >/dev/null; then
  $sudo groupadd --system kvm
fi
if ! getent group libvirt-qemu >/dev/null; then
  $sudo groupadd --system libvirt-qemu
fi
if ! id libvirt-qemu >/dev/null 2>&1; then
  $sudo useradd --system --gid libvirt-qemu --groups kvm --home-dir /var/lib/libvirt --no-create-home \
    --shell /usr/sbin/nologin libvirt-qemu
elif ! id -nG libvirt-qemu | grep -qw kvm; then
  $sudo usermod -aG kvm libvirt-qemu
fi

# Azurite, Microsoft's Azure Storage emulator, for jcap push's Azure tests (they start their own
# azurite-blob on 127.0.0.1; io.jcap.testsupport.Azurite). From the npm registry, pinned.
if ! command -v azurite-blob >/dev/null; then
  echo "setup: installing azurite (npm)" >&2
  $sudo npm install -g --no-fund --no-audit azurite@3.35.0 >/dev/null
fi
