# shellcheck shell=bash disable=SC2034  # sourced: the variables are used by the scripts that source it
# Shared settings and helpers for up.sh, status.sh and down.sh (sourced, not run).
# Everything the test bed owns lives under one state directory; every daemon writes a pid file there, and that
# pid file is the only way the scripts ever find a process again (never by process name: other engineers and
# CI jobs may run their own sshd/dockerd on the same machine).

STATE=${SIMDECK_TESTBED_DIR:-/tmp/simdeck-testbed}
SSH_PORT=${SIMDECK_TESTBED_SSH_PORT:-2222}
SSH_USER=slurmuser
CLUSTER=simdeck                       # SLURM ClusterName, also registered in slurmdbd
NODE_CPUS=${NODE_CPUS:-8}             # CPUs the single node advertises (config_overrides), so test jobs run in parallel
MYSQL_PORT=3307                       # MariaDB for slurmdbd, loopback only; 3307 so a host MariaDB on 3306 is untouched
SLURMCTLD_PORT=6817 SLURMD_PORT=6818 SLURMDBD_PORT=6819

SSHD_PID=$STATE/ssh/sshd.pid
MUNGE_SOCK=$STATE/munge/munge.socket.2
MUNGED_PID=$STATE/munge/munged.pid
MYSQL_SOCK=$STATE/mysql/mysqld.sock
MYSQL_PID=$STATE/mysql/mysqld.pid
SLURMDBD_PID=$STATE/slurm/slurmdbd.pid
SLURMCTLD_PID=$STATE/slurm/slurmctld.pid
SLURMD_PID=$STATE/slurm/slurmd-localhost.pid
DOCKER_SOCK=$STATE/docker.sock
DOCKERD_PID=$STATE/docker/dockerd.pid
# dockerd 20.10 starts its own containerd and puts its pid file under --exec-root.
CONTAINERD_PID=$STATE/docker/exec/containerd/containerd.pid

# The docker CLI talks to our private daemon only; the host's default socket is never touched.
dk() { docker -H "unix://$DOCKER_SOCK" "$@"; }

# pid_of <pidfile> <comm>: prints the pid if the file names a live (non-zombie) process whose comm is <comm>.
# The comm check is a safety net against recycled pids in a stale pid file, not a way of finding processes.
pid_of() {
  local f=$1 comm=$2 p
  [ -s "$f" ] || return 1
  p=$( { tr -dc '0-9' < "$f"; } 2>/dev/null)   # the daemon may delete its pid file right now
  [ -n "$p" ] && [ -r "/proc/$p/stat" ] || return 1
  [ "$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null)" != Z ] || return 1
  [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$comm" ] || return 1
  echo "$p"
}

t0=$(date +%s%N)
step() { printf '[%6d ms] %s\n' $(( ($(date +%s%N) - t0) / 1000000 )) "$*"; }
