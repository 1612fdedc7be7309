#!/usr/bin/env bash
# Bring up SimDeck's integration test bed as plain background processes (no systemd), Debian 12, run as root:
#   ssh    real OpenSSH on 127.0.0.1:$SIMDECK_TESTBED_SSH_PORT (2222), key auth for user slurmuser, sftp, forwarding
#   slurm  munged, MariaDB (127.0.0.1:3307) + slurmdbd (so sacct works), slurmctld + slurmd, one node, partition debug
#   docker dockerd on unix://$STATE/docker.sock, Swarm initialised, image local/busybox:latest (no registry needed)
#   brokers Redis 127.0.0.1:6391 (password) and RabbitMQ (AMQP 127.0.0.1:5673, management API :15673, user simdeck)
# Usage: up.sh [all|apt|ssh|slurm|docker|kubectl|brokers]...   (default: all). Idempotent: what already runs is left alone.
# State: ${SIMDECK_TESTBED_DIR:-/tmp/simdeck-testbed}. At the end it writes $STATE/testbed.env for the tests.
# Stop with down.sh, check with status.sh. Background and gotchas: shared/notes/testbed.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || { echo "up.sh must run as root (it starts sshd, slurmd and dockerd)" >&2; exit 1; }
mkdir -p "$STATE"
chmod 755 "$STATE"   # munged, mysql and slurmuser must be able to traverse it

# wait_for <seconds> <log file to show on timeout> <cmd...>
wait_for() {
  local n=$(( $1 * 5 )) log=$2; shift 2
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "TIMEOUT waiting for: $*" >&2
  [ -f "$log" ] && { echo "--- last lines of $log:" >&2; tail -n 20 "$log" >&2; }
  return 1
}

# --- packages -------------------------------------------------------------------------------------------------
PKGS_SSH="openssh-server openssh-client"
PKGS_SLURM="slurm-wlm slurm-client munge slurmdbd mariadb-server mariadb-client"
PKGS_DOCKER="docker.io busybox-static iptables iproute2 procps"

# Installs only what is missing, so a warm machine never pays for apt-get update.
ensure_pkgs() {
  local missing=() p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  # Without systemd, postinst scripts would try to start sshd/mariadb/munge on their default ports. A policy-rc.d
  # that exits 101 forbids that; we add one only for the install if the machine has none.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; own_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { [ $own_policy = 1 ] && rm -f /usr/sbin/policy-rc.d; return 1; }
  [ $own_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  step "apt installed: ${missing[*]}"
}

do_apt() {
  # shellcheck disable=SC2086
  ensure_pkgs $PKGS_SSH $PKGS_SLURM $PKGS_DOCKER $PKGS_BROKERS
  step "packages present"
}

# --- ssh ------------------------------------------------------------------------------------------------------
do_ssh() {
  # shellcheck disable=SC2086
  ensure_pkgs $PKGS_SSH
  local D=$STATE/ssh; mkdir -p "$D"
  id "$SSH_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$SSH_USER"
  usermod -p '*' "$SSH_USER"   # useradd leaves '!' (locked): with UsePAM no, sshd then refuses even key auth
  [ -f "$D/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C simdeck-testbed -f "$D/id_ed25519"
  install -d -m 700 -o "$SSH_USER" -g "$SSH_USER" "/home/$SSH_USER/.ssh"
  install -m 600 -o "$SSH_USER" -g "$SSH_USER" "$D/id_ed25519.pub" "/home/$SSH_USER/.ssh/authorized_keys"
  # Test hook: a test may put a folder name in ~/.simdeck-testbed-path to wrap a cluster tool (e.g. a slow sbatch
  # around the real one). Non-interactive ssh commands read ~/.bashrc on Debian, before its "interactive?" return.
  local rc="/home/$SSH_USER/.bashrc"
  touch "$rc"
  grep -q simdeck-testbed-path "$rc" ||
    sed -i '1i [ -r "$HOME/.simdeck-testbed-path" ] \&\& PATH="$(cat "$HOME/.simdeck-testbed-path"):$PATH"' "$rc"
  rm -f "/home/$SSH_USER/.simdeck-testbed-path"
  [ -f "$D/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C simdeck-testbed-host -f "$D/ssh_host_ed25519_key"
  # known_hosts so our own probes can use strict host key checking
  echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$D/ssh_host_ed25519_key.pub")" > "$D/known_hosts"
  mkdir -p /run/sshd && chmod 755 /run/sshd   # privilege-separation dir, normally created by systemd
  cat > "$D/sshd_config" <<CFG
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $D/ssh_host_ed25519_key
PidFile $SSHD_PID
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $SSH_USER
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
X11Forwarding no
AuthorizedKeysFile .ssh/authorized_keys
Subsystem sftp internal-sftp
LogLevel INFO
CFG
  # Client config for probes and for humans debugging: ssh -F $STATE/ssh/ssh_config testbed
  cat > "$D/ssh_config" <<CFG
Host testbed 127.0.0.1 localhost
  HostName 127.0.0.1
  User $SSH_USER
  Port $SSH_PORT
  IdentityFile $D/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $D/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
CFG
  if pid_of "$SSHD_PID" sshd >/dev/null; then
    step "sshd already up (pid $(cat "$SSHD_PID"))"
  else
    /usr/sbin/sshd -t -f "$D/sshd_config"
    /usr/sbin/sshd -f "$D/sshd_config" -E "$D/sshd.log"   # daemonizes itself and writes PidFile
    # ssh itself is the readiness probe (a /dev/tcp probe leaves kex noise in the sshd log)
    wait_for 15 "$D/sshd.log" ssh -F "$D/ssh_config" testbed true
    step "sshd up on 127.0.0.1:$SSH_PORT (pid $(cat "$SSHD_PID"))"
  fi
}

# --- slurm ----------------------------------------------------------------------------------------------------
do_munge() {
  local M=$STATE/munge; mkdir -p "$M"
  chown munge:munge "$M"; chmod 711 "$M"   # munged insists that everyone can reach (x) the socket dir
  if [ ! -f "$M/munge.key" ]; then
    if command -v mungekey >/dev/null; then mungekey --create --keyfile="$M/munge.key"
    else dd if=/dev/urandom of="$M/munge.key" bs=1024 count=1 status=none; fi
  fi
  chown munge:munge "$M/munge.key"; chmod 400 "$M/munge.key"
  if pid_of "$MUNGED_PID" munged >/dev/null; then step "munged already up"; return; fi
  runuser -u munge -- /usr/sbin/munged --socket="$MUNGE_SOCK" --key-file="$M/munge.key" \
    --pid-file="$MUNGED_PID" --log-file="$M/munged.log" --seed-file="$M/munged.seed"   # daemonizes
  wait_for 10 "$M/munged.log" sh -c "munge -S '$MUNGE_SOCK' -n | unmunge -S '$MUNGE_SOCK'"
  step "munged up (pid $(cat "$MUNGED_PID"))"
}

do_mariadb() {
  local DB=$STATE/mysql; mkdir -p "$DB/data" "$DB/tmp"; chown -R mysql:mysql "$DB"
  if ! pid_of "$MYSQL_PID" mariadbd >/dev/null; then
    # root authenticates through the unix socket (Debian default); slurmdbd uses its own user over TCP.
    [ -d "$DB/data/mysql" ] || mariadb-install-db --user=mysql --datadir="$DB/data" --skip-test-db \
        --auth-root-authentication-method=socket > "$DB/install.log" 2>&1
    # setsid: own session, so a caller killing its process group does not take the database with it
    setsid -f /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$DB/data" --tmpdir="$DB/tmp" \
      --socket="$MYSQL_SOCK" --pid-file="$MYSQL_PID" --port="$MYSQL_PORT" --bind-address=127.0.0.1 \
      --log-error="$DB/error.log" --innodb-buffer-pool-size=128M --innodb-log-file-size=48M \
      --innodb-lock-wait-timeout=900 </dev/null >/dev/null 2>&1
    wait_for 60 "$DB/error.log" mariadb-admin --socket="$MYSQL_SOCK" ping
    wait_for 10 "$DB/error.log" test -s "$MYSQL_PID"
  fi
  mariadb --socket="$MYSQL_SOCK" -uroot <<SQL
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurmpw';
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurmpw';
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
SQL
  step "mariadb up on 127.0.0.1:$MYSQL_PORT (pid $(cat "$MYSQL_PID"))"
}

write_slurm_conf() {
  local S=$STATE/slurm MEM
  MEM=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p'); MEM=$(( MEM * 9 / 10 ))
  cat > "$S/etc/slurm.conf" <<CFG
# Generated by e2e/testbed/up.sh: single-node test cluster for SimDeck.
ClusterName=$CLUSTER
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCK
CredType=cred/munge
SlurmctldPort=$SLURMCTLD_PORT
SlurmdPort=$SLURMD_PORT
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool/slurmd-%n
SlurmctldPidFile=$SLURMCTLD_PID
SlurmdPidFile=$S/slurmd-%n.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
# no cgroup plugins: works on cgroup v1 and v2 without systemd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# trust the configured CPUs/memory over the hardware: a 2-CPU CI box advertises NODE_CPUS
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=300
KillWait=5
InactiveLimit=0
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=$SLURMDBD_PORT
# slurmctld/sacctmgr ignore AuthInfo for slurmdbd connections and would look in /run/munge without this
AccountingStoragePass=$MUNGE_SOCK
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
JobCompType=jobcomp/filetxt
JobCompLoc=$S/log/jobcomp.txt
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$NODE_CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CFG
  chmod 644 "$S/etc/slurm.conf"
  cat > "$S/etc/slurmdbd.conf" <<CFG
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCK
DbdHost=localhost
DbdPort=$SLURMDBD_PORT
SlurmUser=root
DebugLevel=info
LogFile=$S/log/slurmdbd.log
PidFile=$SLURMDBD_PID
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$MYSQL_PORT
StorageUser=slurm
StoragePass=slurmpw
StorageLoc=slurm_acct_db
CFG
  chmod 600 "$S/etc/slurmdbd.conf"   # slurmdbd refuses a conf others can read (it holds the DB password)
  # Every client, including jobs and users logged in over ssh (no SLURM_CONF there), reads /etc/slurm/slurm.conf;
  # slurmdbd looks for slurmdbd.conf next to it. down.sh removes these links again.
  mkdir -p /etc/slurm
  ln -sfn "$S/etc/slurm.conf" /etc/slurm/slurm.conf
  ln -sfn "$S/etc/slurmdbd.conf" /etc/slurm/slurmdbd.conf
}

do_slurm() {
  # shellcheck disable=SC2086
  ensure_pkgs $PKGS_SLURM
  local S=$STATE/slurm
  mkdir -p "$S/etc" "$S/state" "$S/spool" "$S/log"
  # A directory job output can go to: --output must be writable by the job user, not just by root.
  install -d -m 755 -o "$SSH_USER" -g "$SSH_USER" "$S/jobs" 2>/dev/null || true
  do_munge
  write_slurm_conf
  do_mariadb
  if pid_of "$SLURMDBD_PID" slurmdbd >/dev/null; then
    step "slurmdbd already up"
  else
    /usr/sbin/slurmdbd   # daemonizes; must be up before slurmctld so the cluster registers
    wait_for 60 "$S/log/slurmdbd.log" sacctmgr -n list cluster
    step "slurmdbd up (pid $(cat "$SLURMDBD_PID"))"
  fi
  sacctmgr -i add cluster "$CLUSTER" >/dev/null 2>&1 || true
  sacctmgr -i add account testacct Description=test Organization=test >/dev/null 2>&1 || true
  sacctmgr -i add user "$SSH_USER",root account=testacct >/dev/null 2>&1 || true
  if ! pid_of "$SLURMCTLD_PID" slurmctld >/dev/null; then
    /usr/sbin/slurmctld -i   # daemonizes; -i: tolerate missing or old state files
  fi
  if ! pid_of "$SLURMD_PID" slurmd >/dev/null; then
    /usr/sbin/slurmd -N localhost   # daemonizes; -N: node name independent of the machine's hostname
  fi
  wait_for 60 "$S/log/slurmctld.log" sh -c 'sinfo -h -o %T | grep -qE "^(idle|mixed|allocated)"'
  step "slurmctld (pid $(cat "$SLURMCTLD_PID")) + slurmd (pid $(cat "$SLURMD_PID")) up, node $(sinfo -h -o %T | head -1), $(sinfo --version)"
}

# --- docker ---------------------------------------------------------------------------------------------------
do_docker() {
  # shellcheck disable=SC2086
  ensure_pkgs $PKGS_DOCKER
  local D=$STATE/docker; mkdir -p "$D"
  if pid_of "$DOCKERD_PID" dockerd >/dev/null; then
    step "dockerd already up (pid $(cat "$DOCKERD_PID"))"
  else
    # Remember what dockerd is about to change on the host so down.sh can put it back. Kept if already there:
    # then a previous dockerd died without down.sh, and the saved files still hold the state from before it.
    [ -f "$STATE/iptables.orig" ]   || iptables-save  > "$STATE/iptables.orig"
    [ -f "$STATE/ip6tables.orig" ]  || ip6tables-save > "$STATE/ip6tables.orig"
    # dockerd sets ip_forward=1 and makes bridged traffic go through iptables
    if [ ! -f "$STATE/sysctl.orig" ]; then
      local k v
      for k in net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables; do
        v=$(sysctl -n "$k" 2>/dev/null) && echo "$k=$v"
      done > "$STATE/sysctl.orig"
    fi
    [ -f "$STATE/links.orig" ]      || ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 > "$STATE/links.orig"
    rm -f "$DOCKER_SOCK"
    # Defaults otherwise (docker0 bridge, iptables, overlay2) so containers behave like on a user's machine.
    setsid -f dockerd --storage-driver=overlay2 --data-root "$D/data" --exec-root "$D/exec" \
      --pidfile "$DOCKERD_PID" --host "unix://$DOCKER_SOCK" </dev/null >>"$D/dockerd.log" 2>&1
    wait_for 60 "$D/dockerd.log" dk version
    step "dockerd up on unix://$DOCKER_SOCK (pid $(cat "$DOCKERD_PID"))"
  fi
  # No registry is reachable: build the image from busybox-static's binary (one symlink per applet).
  if ! dk image inspect local/busybox:latest >/dev/null 2>&1; then
    local R=$STATE/rootfs-busybox; rm -rf "$R"; mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root}
    cp /bin/busybox "$R/bin/busybox"
    for a in $("$R/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf /bin/busybox "$R/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"; echo 'root:x:0:' > "$R/etc/group"; chmod 1777 "$R/tmp"
    tar -C "$R" -cf "$STATE/busybox-rootfs.tar" .
    dk import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
      "$STATE/busybox-rootfs.tar" local/busybox:latest >/dev/null
    rm -rf "$R" "$STATE/busybox-rootfs.tar"
  fi
  step "image local/busybox:latest ready"
  # Note: this kernel may lack IPVS, so swarm VIPs/ingress do not route; use endpoint_mode dnsrr in tests.
  if [ "$(dk info -f '{{.Swarm.LocalNodeState}}')" != active ]; then
    dk swarm init --advertise-addr 127.0.0.1 >/dev/null
  fi
  step "swarm active"
}

# --- kubectl and prometheus (for the Kubernetes simulator's tests) ---------------------------------------------
# Debian's kubectl (kubernetes-client 1.20) is the reference client the Kubernetes simulator is checked against
# (e2e/kube-sim/kubectl-fidelity.test.ts). It is unpacked into the state folder, not installed: /usr/bin/kubectl
# may belong to another package, and the system is left as it was.
do_kubectl() {
  # Prometheus (Debian's, run as a plain process by e2e/support/prometheus.ts) scrapes the simulator's GPU metrics.
  ensure_pkgs prometheus
  local D=$STATE/debian-kubectl
  if [ ! -x "$D/usr/bin/kubectl" ]; then
    mkdir -p "$D/deb"
    (cd "$D/deb" && apt-get download kubernetes-client >/dev/null 2>&1) || { apt-get update -qq >/dev/null && (cd "$D/deb" && apt-get download kubernetes-client >/dev/null); }
    dpkg -x "$D"/deb/kubernetes-client_*.deb "$D"
  fi
  step "kubectl $("$D/usr/bin/kubectl" version --client --short 2>/dev/null || true) at $D/usr/bin/kubectl"
}

# --- brokers: Redis and RabbitMQ for the fleet monitor's tests (e2e/integration/fleet-monitor.test.ts) ---------
# BigChem uses RabbitMQ (AMQP + management API) as broker and Redis as result backend, or Redis for both on SLURM
# (shared/notes/nrp-and-bigchem.md B1, B13). Both run from Debian's packages as plain processes on loopback-only,
# non-default ports, so a broker the machine already runs on 5672/6379/15672 is never touched.
# Debian's celery/kombu/amqp give the tests a real Celery worker (a real AMQP consumer).
PKGS_BROKERS="redis-server rabbitmq-server python3-celery python3-kombu python3-amqp"
REDIS_PORT=6391
RABBIT_AMQP_PORT=5673 RABBIT_MGMT_PORT=15673 RABBIT_DIST_PORT=25673
# Erlang's port mapper: our own epmd on our own port, so down.sh can stop it without touching a host epmd (4369).
RABBIT_EPMD_PORT=4371
RABBIT_USER=simdeck

# new_secret <file>: a random hex password kept in <file> (mode 600); an existing one is reused. (od reads a fixed
# count: `tr </dev/urandom | head` would die of SIGPIPE, and pipefail + set -e would end the script.)
rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
new_secret() {
  [ -s "$1" ] || { rand_hex 16 > "$1"; chmod 600 "$1"; }
}

do_redis() {
  local D=$STATE/redis; mkdir -p "$D"
  new_secret "$D/password"
  # requirepass in a 600 config file rather than on the command line, where ps would show it
  cat > "$D/redis.conf" <<CFG
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $D/redis.pid
logfile $D/redis.log
dir $D
save ""
appendonly no
requirepass $(cat "$D/password")
CFG
  chmod 600 "$D/redis.conf"
  if pid_of "$D/redis.pid" redis-server >/dev/null; then step "redis already up (pid $(cat "$D/redis.pid"))"; return; fi
  /usr/bin/redis-server "$D/redis.conf"   # daemonizes and writes the pid file
  # REDISCLI_AUTH instead of -a: no password in ps and no "using a password on the command line" warning
  wait_for 15 "$D/redis.log" env REDISCLI_AUTH="$(cat "$D/password")" \
    sh -c "redis-cli -h 127.0.0.1 -p $REDIS_PORT ping | grep -qx PONG"
  step "redis up on 127.0.0.1:$REDIS_PORT (pid $(cat "$D/redis.pid"))"
}

# rabbit_env: what the RabbitMQ scripts and the Erlang VM need to stay inside $STATE/rabbitmq.
rabbit_env() {
  local D=$STATE/rabbitmq
  export HOME=$D/home   # Erlang reads/creates $HOME/.erlang.cookie; rabbitmqctl must see the same cookie
  export RABBITMQ_NODENAME=simdeck@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$RABBIT_AMQP_PORT
  export RABBITMQ_DIST_PORT=$RABBIT_DIST_PORT ERL_EPMD_PORT=$RABBIT_EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_CONF_ENV_FILE=$D/rabbitmq-env.conf   # not /etc/rabbitmq/rabbitmq-env.conf
  export RABBITMQ_CONFIG_FILE=$D/rabbitmq.conf RABBITMQ_ADVANCED_CONFIG_FILE=$D/advanced.config
  export RABBITMQ_ENABLED_PLUGINS_FILE=$D/enabled_plugins RABBITMQ_PID_FILE=$D/rabbitmq.pid
  export RABBITMQ_MNESIA_BASE=$D/mnesia RABBITMQ_LOG_BASE=$D/log RABBITMQ_LOGS=$D/log/rabbit.log
  # The Erlang distribution port would otherwise listen on all interfaces
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
}

do_rabbitmq() {
  local D=$STATE/rabbitmq; mkdir -p "$D/home" "$D/mnesia" "$D/log"
  # A fresh password means a fresh database: the user is created from the config on the first boot only.
  [ -s "$D/password" ] || rm -rf "${D:?}/mnesia"/*
  new_secret "$D/password"
  [ -s "$D/home/.erlang.cookie" ] || { rand_hex 16 > "$D/home/.erlang.cookie"; chmod 400 "$D/home/.erlang.cookie"; }
  : > "$D/rabbitmq-env.conf"
  echo '[rabbitmq_management].' > "$D/enabled_plugins"   # read at boot: no rabbitmq-plugins call needed
  echo '[].' > "$D/advanced.config"
  # default_user: created with these tags and permissions when the database is new, instead of guest (which
  # could only log in from localhost anyway). Saves three rabbitmqctl runs of ~1 s each.
  cat > "$D/rabbitmq.conf" <<CFG
listeners.tcp.default = 127.0.0.1:$RABBIT_AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBIT_MGMT_PORT
default_user = $RABBIT_USER
default_pass = $(cat "$D/password")
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
# queue stats every 1 s instead of 5 s, so tests see a publish or a drain sooner
collect_statistics_interval = 1000
log.console = false
log.file.level = info
CFG
  chmod 600 "$D/rabbitmq.conf"
  if pid_of "$D/rabbitmq.pid" beam.smp >/dev/null; then
    step "rabbitmq already up (pid $(cat "$D/rabbitmq.pid"))"
  else
    # The scripts under /usr/lib/rabbitmq/bin run as the caller (root here); /usr/sbin/rabbitmq-server would
    # switch to the rabbitmq user, who cannot write into our state dir.
    ( rabbit_env; setsid -f /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >>"$D/log/stdout.log" 2>&1 )
    wait_for 60 "$D/log/rabbit.log" curl -sf -u "$RABBIT_USER:$(cat "$D/password")" \
      "http://127.0.0.1:$RABBIT_MGMT_PORT/api/overview"
    wait_for 5 "$D/log/rabbit.log" test -s "$D/rabbitmq.pid"
    step "rabbitmq up: amqp 127.0.0.1:$RABBIT_AMQP_PORT, management http://127.0.0.1:$RABBIT_MGMT_PORT (pid $(cat "$D/rabbitmq.pid"))"
  fi
}

do_brokers() {
  # shellcheck disable=SC2086
  ensure_pkgs $PKGS_BROKERS
  do_redis
  do_rabbitmq
}

# --- env file for the tests -----------------------------------------------------------------------------------
write_env() {
  local fp='' ver=''
  [ -f "$STATE/ssh/ssh_host_ed25519_key.pub" ] && fp=$(ssh-keygen -lf "$STATE/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
  command -v sinfo >/dev/null && [ -f /etc/slurm/slurm.conf ] && ver=$(sinfo --version 2>/dev/null | awk '{print $2}')
  # Plain KEY=value, no quotes or spaces, so both `. testbed.env` and a line split in Node work.
  cat > "$STATE/testbed.env.tmp" <<ENV
SIMDECK_TB_DIR=$STATE
SIMDECK_TB_SSH_HOST=127.0.0.1
SIMDECK_TB_SSH_PORT=$SSH_PORT
SIMDECK_TB_SSH_USER=$SSH_USER
SIMDECK_TB_SSH_KEY=$STATE/ssh/id_ed25519
SIMDECK_TB_SSH_HOSTKEY_SHA256=$fp
SIMDECK_TB_SSH_CONFIG=$STATE/ssh/ssh_config
SIMDECK_TB_SSHD_LOG=$STATE/ssh/sshd.log
SIMDECK_TB_SLURM_CLUSTER=$CLUSTER
SIMDECK_TB_SLURM_PARTITION=debug
SIMDECK_TB_SLURM_VERSION=$ver
SIMDECK_TB_SLURM_NODE_CPUS=$NODE_CPUS
SIMDECK_TB_SLURM_JOBDIR=$STATE/slurm/jobs
SIMDECK_TB_DOCKER_SOCKET=$DOCKER_SOCK
SIMDECK_TB_DOCKER_HOST=unix://$DOCKER_SOCK
SIMDECK_TB_DOCKER_IMAGE=local/busybox:latest
SIMDECK_TB_KUBECTL=$STATE/debian-kubectl/usr/bin/kubectl
ENV
  # Brokers: only once do_brokers has run (the password files exist); tests skip the broker suite otherwise.
  if [ -s "$STATE/redis/password" ] && [ -s "$STATE/rabbitmq/password" ]; then
    cat >> "$STATE/testbed.env.tmp" <<ENV
SIMDECK_TB_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
SIMDECK_TB_REDIS_PASSWORD_FILE=$STATE/redis/password
SIMDECK_TB_RABBITMQ_MGMT_URL=http://127.0.0.1:$RABBIT_MGMT_PORT
SIMDECK_TB_RABBITMQ_AMQP_URL=amqp://$RABBIT_USER:$(cat "$STATE/rabbitmq/password")@127.0.0.1:$RABBIT_AMQP_PORT//
SIMDECK_TB_RABBITMQ_USER=$RABBIT_USER
SIMDECK_TB_RABBITMQ_PASSWORD_FILE=$STATE/rabbitmq/password
ENV
  fi
  mv "$STATE/testbed.env.tmp" "$STATE/testbed.env"
  step "wrote $STATE/testbed.env"
}

[ $# -eq 0 ] && set -- all
for what in "$@"; do
  case $what in
    all) do_apt; do_ssh; do_slurm; do_docker; do_kubectl; do_brokers ;;
    apt) do_apt ;;
    ssh) do_ssh ;;
    slurm) do_slurm ;;
    docker) do_docker ;;
    kubectl) do_kubectl ;;
    brokers) do_brokers ;;
    *) echo "usage: up.sh [all|apt|ssh|slurm|docker|kubectl|brokers]..." >&2; exit 2 ;;
  esac
done
write_env
step "done"
