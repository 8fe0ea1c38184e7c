#!/bin/bash
# Single-node Slurm check of `dyson sweep` (make slurm-check; needs root, takes a minute or two).
#
# Installs slurm-wlm from Debian if sbatch is missing, writes a one-node slurm.conf for this host
# (only when /etc/slurm/slurm.conf does not exist), starts munged, slurmctld and slurmd if they
# are not running, then: runs pipelines/teacher-student.toml in one process; writes its job-array
# script with `dyson sweep --seeds-per-task 200` (12 tasks); submits it with `sbatch --wait`;
# merges the task files; analyses them with `dyson run`; and requires the two reports to be
# identical apart from their paths. Daemons it started are stopped again at the end.
set -euo pipefail
DYSON=${DYSON:-$PWD/.build/release/dyson}
PIPELINE=pipelines/teacher-student.toml
OUT=$(mktemp -d /tmp/dyson-slurm-XXXXXX)
started=()

if ! command -v sbatch >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm >/dev/null
fi
if [ ! -e /etc/slurm/slurm.conf ]; then
    memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
    cat > /etc/slurm/slurm.conf <<CONF
ClusterName=dyson
SlurmctldHost=$(hostname -s)
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmUser=root
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
NodeName=$(hostname -s) CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$(hostname -s) Default=YES MaxTime=INFINITE State=UP
CONF
fi
mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
stop() { for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop EXIT
start() { # name command...
    if ! pgrep -x "$1" >/dev/null; then "${@:2}"; sleep 1; started+=("$(pgrep -xo "$1")"); fi
}
start munged /usr/sbin/munged --force
start slurmctld /usr/sbin/slurmctld
start slurmd /usr/sbin/slurmd
for _ in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done

"$DYSON" run "$PIPELINE" --output "$OUT/whole" > "$OUT/whole.md" 2>/dev/null
"$DYSON" sweep "$PIPELINE" --output "$OUT/split" --seeds-per-task 200 >/dev/null
sbatch --wait "$OUT/split/sweep.sbatch"
"$DYSON" merge "$PIPELINE" --output "$OUT/split" --seeds-per-task 200 >/dev/null
"$DYSON" run "$PIPELINE" --output "$OUT/split" > "$OUT/split.md" 2>/dev/null
diff <(sed "s#$OUT/whole#OUT#g" "$OUT/whole.md") <(sed "s#$OUT/split#OUT#g" "$OUT/split.md")
echo "slurm: 12 array tasks merged give the one-process report ($OUT)"
