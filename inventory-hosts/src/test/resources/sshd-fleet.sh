#!/usr/bin/env bash
# sshd-fleet.sh: a fleet of real OpenSSH sshd hosts on 127.0.0.1 that this project did not
# create (plain OpenSSH, no lab, no namespaces), with an inventory for the inventory provider.
#
#   sshd-fleet.sh start DIR [N]   start N hosts (default 2), each its own sshd on its own port;
#                                 writes DIR/inventory.yml, DIR/known_hosts, DIR/id_ed25519,
#                                 DIR/ssh_config (ssh -F DIR/ssh_config h1) and DIR/hosts
#                                 ("name port" lines), then prints the -D options for Maven.
#   sshd-fleet.sh props DIR       print those -D options again
#   sshd-fleet.sh stop DIR        stop the fleet's sshds (also after a killed run); DIR stays.
#
# Run the example tests on a fleet:
#   dir=$(mktemp -d); inventory-hosts/src/test/resources/sshd-fleet.sh start "$dir" 3
#   ./mvnw -pl example-tests test $(inventory-hosts/src/test/resources/sshd-fleet.sh props "$dir")
#   inventory-hosts/src/test/resources/sshd-fleet.sh stop "$dir"
#
# Needs openssh-server (apt-get install openssh-server) and ssh-keygen. Works as root (creates
# /run/sshd, sshd's privilege-separation directory, if missing) and as any other user (who can
# then log in only as themselves). Each host's sessions see MULTIHOST_FLEET_HOST=<its name>.
# The hosts share this machine's filesystem and processes: they are separate SSH servers, not
# separate machines. So reboot, poweroff, halt, shutdown and systemctl are shimmed to refuse on
# the sessions' PATH; do not run reboot tests on a fleet (they fail), use the lab for those.
set -euo pipefail

die() { echo "sshd-fleet: $*" >&2; exit 2; }

sshd_bin() {
  local s
  s=${SSHD:-$(command -v sshd || true)}
  [[ -z $s && -x /usr/sbin/sshd ]] && s=/usr/sbin/sshd
  [[ -n $s && -x $s ]] || die "no OpenSSH sshd found; install it (apt-get install openssh-server) or set SSHD=/path/to/sshd."
  echo "$s"
}

stop() {
  local dir=$1 pidfile pid children
  shopt -s nullglob
  for pidfile in "$dir"/h*/sshd.pid; do
    pid=$(cat "$pidfile" 2>/dev/null || true)
    # Only an sshd started with this fleet's config: never a pid reused by something else.
    if [[ -n $pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(dirname "$pidfile")/sshd_config"; then
      # Its sessions (children) outlive the listener unless ended too, as on a real shutdown.
      children=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
      kill "$pid" $children 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

props() {
  local dir=$1
  echo "-Dmultihost.provider=inventory -Dmultihost.inventory=$dir/inventory.yml" \
       "-Dmultihost.inventory.known-hosts=$dir/known_hosts -Dmultihost.inventory.ssh-config=none"
}

start() {
  local dir=$1 n=${2:-2} sshd user i h port tries
  [[ $n =~ ^[0-9]+$ && $n -ge 1 ]] || die "N must be a positive number, was [$n]."
  sshd=$(sshd_bin)
  command -v ssh-keygen >/dev/null || die "no ssh-keygen found; install openssh-client."
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  stop "$dir"
  user=$(id -un)
  if [[ $(id -u) -eq 0 && ! -d /run/sshd ]]; then mkdir -p /run/sshd && chmod 0755 /run/sshd; fi

  # The fleet's hosts ARE this machine: a reboot or poweroff run on one must never reach it.
  # Sessions get a PATH whose first directory holds shims that refuse (an absolute /sbin/reboot
  # still bypasses them: never point reboot tests at a fleet; use the lab provider for those).
  mkdir -p "$dir/bin"
  for cmd in reboot poweroff halt shutdown systemctl init telinit kexec; do
    cat >"$dir/bin/$cmd" <<SHIM
#!/bin/sh
echo "sshd-fleet: refusing [$cmd \$*]: this fleet host is the test machine itself; use the lab provider for reboot tests." >&2
exit 1
SHIM
    chmod 0755 "$dir/bin/$cmd"
  done

  rm -f "$dir/id_ed25519" "$dir/id_ed25519.pub"
  ssh-keygen -q -t ed25519 -N '' -C multihost-fleet -f "$dir/id_ed25519"
  cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
  : >"$dir/known_hosts"
  : >"$dir/hosts"
  {
    echo "# Written by sshd-fleet.sh: $n real OpenSSH sshd hosts on 127.0.0.1."
    echo "defaults:"
    echo "  user: $user"
    echo "  identity: id_ed25519"
    echo "hosts:"
  } >"$dir/inventory.yml"
  {
    echo "# Written by sshd-fleet.sh: ssh -F $dir/ssh_config h1"
  } >"$dir/ssh_config"

  for i in $(seq "$n"); do
    h="$dir/h$i"
    mkdir -p "$h"
    rm -f "$h/ssh_host_ed25519_key" "$h/ssh_host_ed25519_key.pub"
    ssh-keygen -q -t ed25519 -N '' -C "h$i" -f "$h/ssh_host_ed25519_key"
    for tries in $(seq 30); do
      # sshd cannot listen on port 0 and tell us the port, so: a random unprivileged port below
      # Linux's ephemeral range, and another one if it is taken (sshd exits before forking then).
      port=$((20000 + RANDOM % 12000))
      cat >"$h/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $h/ssh_host_ed25519_key
PidFile $h/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
AllowTcpForwarding yes
MaxStartups 200
MaxSessions 200
SetEnv MULTIHOST_FLEET_HOST=h$i PATH=$dir/bin:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin
Subsystem sftp internal-sftp
LogLevel INFO
EOF
      : >"$h/sshd.log"
      if "$sshd" -f "$h/sshd_config" -E "$h/sshd.log"; then
        break
      fi
      grep -q "Cannot bind\|Address already in use" "$h/sshd.log" || die "sshd for h$i did not start: $(tail -3 "$h/sshd.log")"
      [[ $tries -lt 30 ]] || die "found no free port for h$i in 30 tries."
    done
    for _ in $(seq 100); do [[ -s $h/sshd.pid ]] && break; sleep 0.1; done
    [[ -s $h/sshd.pid ]] || die "sshd for h$i wrote no pid file in 10 s: $(tail -3 "$h/sshd.log")"
    echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$h/ssh_host_ed25519_key.pub")" >>"$dir/known_hosts"
    echo "h$i $port" >>"$dir/hosts"
    {
      echo "  - name: h$i"
      echo "    address: 127.0.0.1"
      echo "    port: $port"
    } >>"$dir/inventory.yml"
    {
      echo "Host h$i"
      echo "  HostName 127.0.0.1"
      echo "  Port $port"
    } >>"$dir/ssh_config"
  done
  {
    echo "Host *"
    echo "  User $user"
    echo "  IdentityFile $dir/id_ed25519"
    echo "  IdentitiesOnly yes"
    echo "  UserKnownHostsFile $dir/known_hosts"
    echo "  StrictHostKeyChecking yes"
    echo "  BatchMode yes"
  } >>"$dir/ssh_config"
  props "$dir"
}

case ${1:-} in
  start) [[ $# -ge 2 ]] || die "usage: sshd-fleet.sh start DIR [N]"; start "$2" "${3:-2}" ;;
  stop) [[ $# -eq 2 ]] || die "usage: sshd-fleet.sh stop DIR"; stop "$(cd "$2" 2>/dev/null && pwd || echo "$2")" ;;
  props) [[ $# -eq 2 ]] || die "usage: sshd-fleet.sh props DIR"; props "$(cd "$2" && pwd)" ;;
  *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
