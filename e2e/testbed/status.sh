#!/usr/bin/env bash
# Show whether each test-bed component is up: its pid file names a live process AND a real probe answers
# (ssh true, munge round trip, mariadb ping, sacctmgr, sinfo, docker version + swarm state, redis INFO,
# RabbitMQ /api/overview).
# Usage: status.sh [ssh|slurm|docker|brokers]...   (default: all). Exit status: number of components that are down.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"

down=0
# report <name> <pidfile> <comm> <probe...>
report() {
  local name=$1 pidfile=$2 comm=$3 pid; shift 3
  if ! pid=$(pid_of "$pidfile" "$comm"); then
    printf '%-10s DOWN  (no live %s from %s)\n' "$name" "$comm" "$pidfile"; down=$((down + 1)); return
  fi
  if out=$(timeout 20 "$@" 2>&1); then
    printf '%-10s up    pid %-7s %s\n' "$name" "$pid" "$(echo "$out" | head -1)"
  else
    printf '%-10s DOWN  pid %s runs but the probe failed: %s\n' "$name" "$pid" "$(echo "$out" | tail -1)"; down=$((down + 1))
  fi
}

check_ssh() {
  # shellcheck disable=SC2016  # $(id -un) is meant to run on the far side
  report sshd "$SSHD_PID" sshd ssh -F "$STATE/ssh/ssh_config" testbed 'echo "ssh $(id -un)@127.0.0.1:'"$SSH_PORT"' ok"'
}
check_slurm() {
  report munged "$MUNGED_PID" munged sh -c "munge -S '$MUNGE_SOCK' -n | unmunge -S '$MUNGE_SOCK' | grep STATUS"
  report mariadb "$MYSQL_PID" mariadbd mariadb-admin --socket="$MYSQL_SOCK" ping
  report slurmdbd "$SLURMDBD_PID" slurmdbd sh -c "sacctmgr -n -P list cluster format=cluster | grep -x '$CLUSTER'"
  report slurmctld "$SLURMCTLD_PID" slurmctld sh -c "sinfo --version"
  report slurmd "$SLURMD_PID" slurmd sh -c "sinfo -h -o 'partition %P node %N %T' | grep -E ' (idle|mixed|allocated)'"
}
check_docker() {
  report dockerd "$DOCKERD_PID" dockerd sh -c "docker -H unix://$DOCKER_SOCK version -f 'engine {{.Server.Version}} api {{.Server.APIVersion}}'"
  report swarm "$DOCKERD_PID" dockerd sh -c "docker -H unix://$DOCKER_SOCK info -f 'swarm {{.Swarm.LocalNodeState}}' | grep -x 'swarm active'"
}

check_brokers() {   # ports and files as in up.sh do_brokers
  report redis "$STATE/redis/redis.pid" redis-server env REDISCLI_AUTH="$(cat "$STATE/redis/password" 2>/dev/null)" \
    sh -c "redis-cli -h 127.0.0.1 -p 6391 info server | grep '^redis_version' | tr -d '\r'"
  report rabbitmq "$STATE/rabbitmq/rabbitmq.pid" beam.smp sh -c \
    "curl -sf -u simdeck:\$(cat '$STATE/rabbitmq/password') http://127.0.0.1:15673/api/overview | grep -o '\"rabbitmq_version\":\"[^\"]*\"'"
}

[ $# -eq 0 ] && set -- ssh slurm docker brokers
for what in "$@"; do
  case $what in
    all) check_ssh; check_slurm; check_docker; check_brokers ;;
    ssh) check_ssh ;; slurm) check_slurm ;; docker) check_docker ;; brokers) check_brokers ;;
    *) echo "usage: status.sh [ssh|slurm|docker|brokers]..." >&2; exit 2 ;;
  esac
done
[ -f "$STATE/testbed.env" ] && echo "env file: $STATE/testbed.env" || echo "env file: missing ($STATE/testbed.env)"
exit $down
