#!/usr/bin/env bash
# Stop everything up.sh started, strictly through the pid files in the state dir (never by process name), and
# undo what dockerd changed on the host: iptables/ip6tables rules, ip_forward, the bridges it created.
# Safe to run twice and when nothing is up. Keeps keys, the database and the docker image for a fast next up;
# `down.sh --purge` also deletes the state directory.
set -uo pipefail   # no -e: one failing step must not leave the rest running
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"
PURGE=0
for a in "$@"; do case $a in --purge) PURGE=1 ;; *) echo "usage: down.sh [--purge]" >&2; exit 2 ;; esac; done
[ -d "$STATE" ] || { echo "nothing to stop: $STATE does not exist"; exit 0; }

# stop_proc <name> <pid> <comm> [timeout s]: SIGTERM, wait, then SIGKILL, for a pid that came from a pid file.
stop_proc() {
  local name=$1 p=$2 comm=$3 secs=${4:-20}
  kill "$p" 2>/dev/null
  for _ in $(seq $(( secs * 5 ))); do
    # gone, a zombie (its parent reaps it later), or the pid already belongs to something else
    if [ ! -r "/proc/$p/stat" ] || [ "$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null)" = Z ] ||
      [ "$(cat "/proc/$p/comm" 2>/dev/null)" != "$comm" ]; then
      echo "stopped $name ($p)"; return 0
    fi
    sleep 0.2
  done
  echo "killing $name ($p) after ${secs}s"; kill -9 "$p" 2>/dev/null
}
# stop_pid <name> <pidfile> <comm> [timeout s]. Drops the pid file so a later run can never signal a recycled pid.
stop_pid() {
  local p
  if p=$(pid_of "$2" "$3"); then stop_proc "$1" "$p" "$3" "${4:-20}"; fi
  rm -f "$2"
}

# --- docker: services, swarm and containers go first, so no container shim outlives dockerd -------------------
if pid_of "$DOCKERD_PID" dockerd >/dev/null && timeout 10 docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1; then
  mapfile -t svcs < <(dk service ls -q 2>/dev/null)
  [ ${#svcs[@]} -gt 0 ] && dk service rm "${svcs[@]}" >/dev/null 2>&1 && echo "removed ${#svcs[@]} service(s)"
  dk swarm leave --force >/dev/null 2>&1 && echo "left swarm"
  mapfile -t ids < <(dk ps -aq 2>/dev/null)
  [ ${#ids[@]} -gt 0 ] && dk rm -f "${ids[@]}" >/dev/null 2>&1 && echo "removed ${#ids[@]} container(s)"
  dk network prune -f >/dev/null 2>&1
fi
stop_pid dockerd "$DOCKERD_PID" dockerd 30
# dockerd normally stops its managed containerd; this only matters if dockerd had to be killed.
stop_pid containerd "$CONTAINERD_PID" containerd 10
# After a dockerd crash, containers and their containerd-shim outlive it. containerd keeps each container's init
# pid in a file under our exec root, and the shim is that process's parent.
for f in "$STATE"/docker/exec/containerd/daemon/io.containerd.runtime.v2.task/*/*/init.pid; do
  [ -f "$f" ] || continue
  p=$( { tr -dc '0-9' < "$f"; } 2>/dev/null)
  if [ -z "$p" ] || [ ! -r "/proc/$p/stat" ]; then continue; fi
  shim=$(sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f2)   # field after "(comm) state" is the parent pid
  # Only a process whose parent is a shim is still that container; a stale file may name a recycled pid.
  [ "$(cat "/proc/$shim/comm" 2>/dev/null)" = containerd-shim ] || continue
  kill -9 "$p" 2>/dev/null && echo "killed leftover container process $p"
  stop_proc containerd-shim "$shim" containerd-shim 5
done
# Netns and overlay mounts under our data dir would keep the state dir busy; unmount leftovers, deepest first.
awk -v s="$STATE/" 'index($2, s) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
  umount -l "$m" && echo "unmounted $m"
done
rm -f "$DOCKER_SOCK"
# Links: delete only docker-made bridges that did not exist before up.sh started dockerd, and the veths still
# plugged into them (left when a container's netns outlived a crashed dockerd). Other veths are not ours.
if [ -f "$STATE/links.orig" ]; then
  for b in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 |
      grep -E '^(docker0|docker_gwbridge|br-[0-9a-f]{12})$' | grep -vxF -f "$STATE/links.orig"); do
    for v in $(ip -o link show master "$b" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
      ip link delete "$v" 2>/dev/null && echo "deleted link $v"
    done
    ip link delete "$b" 2>/dev/null && echo "deleted link $b"
  done
  rm -f "$STATE/links.orig"
fi
# iptables-restore of the saved dump does not delete docker's chains, so flush and delete first, reset the
# policies (dockerd sets FORWARD to DROP), then restore the rules saved before dockerd started.
restore_fw() {  # restore_fw <iptables|ip6tables> <saved dump>
  local ipt=$1 saved=$2 t c
  [ -f "$saved" ] || return 0
  for t in filter nat mangle raw; do "$ipt" -t "$t" -F 2>/dev/null; "$ipt" -t "$t" -X 2>/dev/null; done
  for c in INPUT FORWARD OUTPUT; do "$ipt" -P "$c" ACCEPT 2>/dev/null; done
  "$ipt-restore" < "$saved" && rm -f "$saved" && echo "restored $ipt"
}
restore_fw iptables "$STATE/iptables.orig"
restore_fw ip6tables "$STATE/ip6tables.orig"
if [ -f "$STATE/sysctl.orig" ]; then   # ip_forward and bridge-nf-call-*, as saved before dockerd started
  while read -r kv; do [ -n "$kv" ] && sysctl -q -w "$kv" && echo "restored $kv"; done < "$STATE/sysctl.orig"
  rm -f "$STATE/sysctl.orig"
fi

# --- slurm, accounting, munge (reverse start order) -----------------------------------------------------------
stop_pid slurmd "$SLURMD_PID" slurmd
stop_pid slurmctld "$SLURMCTLD_PID" slurmctld
stop_pid slurmdbd "$SLURMDBD_PID" slurmdbd
stop_pid mariadbd "$MYSQL_PID" mariadbd 30
stop_pid munged "$MUNGED_PID" munged
# The /etc/slurm links point into our state dir; remove them only if they still do.
for f in /etc/slurm/slurm.conf /etc/slurm/slurmdbd.conf; do
  [ -L "$f" ] && case $(readlink "$f") in "$STATE"/*) rm -f "$f" ;; esac
done

# --- brokers (up.sh do_brokers; paths and the epmd port as set there) -----------------------------------------
stop_pid rabbitmq "$STATE/rabbitmq/rabbitmq.pid" beam.smp 30
# The Erlang VM started its own epmd on our private port; ask exactly that one to exit (a host epmd on 4369, or one
# of another node on ours, is left alone: -kill refuses while a node is still registered).
[ -x /usr/bin/epmd ] && ERL_EPMD_PORT=4371 /usr/bin/epmd -kill >/dev/null 2>&1 && echo "stopped epmd (port 4371)"
stop_pid redis "$STATE/redis/redis.pid" redis-server

# --- sshd ----------------------------------------------------------------------------------------------------
stop_pid sshd "$SSHD_PID" sshd

rm -f "$STATE/testbed.env"   # tests then fail fast with "test bed is not up"
if [ $PURGE = 1 ]; then
  if awk -v s="$STATE/" 'index($2, s) == 1' /proc/mounts | grep -q .; then
    echo "not purging: something is still mounted under $STATE" >&2; exit 1
  fi
  rm -rf "$STATE" && echo "purged $STATE"
fi
exit 0
