#!/bin/sh
# smapi-migrate @VERSION@: runs the tool on the Java runtime unpacked beside this script; no JDK
# needed. The bundled SMAPIv3 SR (examples/xapi-storage-script) needs python3.
# Extra JVM options: SMAPI_MIGRATE_JAVA_OPTS. Another Java 17+ instead of the bundled runtime
# (one built for an older glibc, say): SMAPI_MIGRATE_JAVA=/path/to/bin/java.
set -e
# Where the tarball was unpacked. Shell built-ins only, unless the launcher was started through a
# symbolic link (one into PATH, say): starting readlink and dirname took 5 to 10 ms of every run.
self=$0
hops=0
while [ -L "$self" ]; do
    hops=$((hops + 1))
    if [ "$hops" -gt 40 ]; then echo "smapi-migrate: $0: too many levels of symbolic links" >&2; exit 1; fi
    link=$(readlink "$self")
    case $link in
        /*) self=$link ;;
        *) case $self in */*) self=${self%/*}/$link ;; *) self=$link ;; esac ;;
    esac
done
case $self in */*) bin=${self%/*} ;; *) bin=. ;; esac
home=$(cd "$bin/.." && pwd -P)
self=$home/bin/${self##*/}

# Memory: whatever the disk size, peak RSS stays under 256 MiB. The heap holds inventories and
# plans (10,000 VDIs plan in under 48 MiB); copy buffers are direct (8 x 1 MiB per copy, the
# same at --jobs 8: CopyBudget), capped so that a leak of them fails loudly instead of growing. Serial GC: one thread and no
# remembered sets; a copy tool makes little garbage. No hsperfdata file in /tmp.
jvm="-XX:+UseSerialGC -Xms16m -Xmx128m -XX:MaxDirectMemorySize=96m -XX:-UsePerfData"
# Plugin calls are processes: started by vfork+exec they skip JDK 17's default jspawnhelper
# (posix_spawn of a helper that then execs the plugin), about 2.5 ms less CPU and wall per call
# here (50 spawns of /bin/true: 5.4 -> 2.6 ms each).
jvm="$jvm -Djdk.lang.Process.launchMechanism=VFORK"
# The optimising compiler (C2) only for code that stays hot: ten times JDK 17's tier-4 thresholds.
# A run's start (option parsing, plan, JSON) made 250 C2 compilations, a quarter of a migrate's
# CPU on two cores (perf: C2 0.8 s, C1 0.45 s of 5.1 s); the copy, hash and CRC loops run
# millions of times and still reach C2 (SHA-256 needs its intrinsic: 20x slower without).
# Three interleaved migrates of 3 GiB/40%: user CPU 3.4-4.4 -> 3.0-3.5 s.
jvm="$jvm -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000"
jvm="$jvm -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000"
# A manual is printed and done before the optimising compiler would pay off: the quick
# compiler alone starts faster. Work on disks keeps both (C2 gives SHA-256 its intrinsics).
# A command's own manual too ('migrate --help': 480 -> 390 ms CPU, 12 runs). Measured and not
# taken: -Xint (less CPU, but slower wall time on a quiet machine: C1 compiles on the other core).
# export too: its hot code is a read and a write per chunk and a zero check per 64 KiB (a 512
# MiB export of all-but-zero data, every granule scanned, took no longer with C1 alone); C2 only
# competed with the copy for the two cores. A 3 GiB/40% export: 345 tier-3 + 17 C2 compilations,
# 0.153 s of compiler CPU, became 407 tier-1, 0.095 s.
# These short commands also get transparent huge pages for the Java heap: on the 2-core VM this
# is measured on a first touch of a 4 KiB page costs 10 to 40 us, and the heap was a fifth of a
# run's page faults (3 GiB export: 5,132 -> 4,003 faults, qemu-img convert makes 4,572). Not for
# the long commands: their peak RSS is bounded (--jobs 8) and 2 MiB pages would add to it.
# A kernel built without them (no /sys/kernel/mm/transparent_hugepage) would make the JVM print
# a warning at every start, so the option is only given where the kernel has them.
short="-XX:TieredStopAtLevel=1"
[ -e /sys/kernel/mm/transparent_hugepage/enabled ] && short="$short -XX:+UseTransparentHugePages"
case "${1:-}" in
    -h|--help|help|-V|--version|export) jvm="$jvm $short" ;;
    *) case "${2:-}" in -h|--help) jvm="$jvm $short" ;; esac ;;
esac

# Class data sharing: lib/smapi-migrate.jsa holds the tool's classes already parsed and verified
# (made at build time by this runtime from training runs; --help takes a third less CPU).
# JDK 17 accepts the archive only when the class path reads exactly as it did when the archive
# was made, so the class path goes through file descriptor 9 opened on lib/app: /dev/fd/9/x.jar
# reads the same wherever the tarball was unpacked. If the archive does not fit (a jar changed),
# the JVM starts without it.
exec 9<"$home/lib/app"
if [ -d /dev/fd/9 ]; then dir=/dev/fd/9; else dir="$home/lib/app"; fi
cp=""
for jar in @JARS@; do cp="$cp${cp:+:}$dir/$jar"; done
main=org.smapimigrate.cli.SmapiMigrate
java="${SMAPI_MIGRATE_JAVA:-$home/runtime/bin/java}"
# The archive belongs to the bundled runtime; another JVM would refuse it.
# This JDK 17 maps the archive at a random address and then patches every pointer in it
# (ArchiveRelocationMode=1, the default since 17.0.x for address-space randomisation): for a
# 23 MiB archive that is about 60 ms of CPU at every start. Mode 0 maps it at the address it was
# made for (JDK 17's original behaviour) and relocates only if that address is taken. Only the
# archived class metadata loses the random placement; the heap, stacks and code keep theirs.
if [ -z "${SMAPI_MIGRATE_JAVA:-}" ] && [ "$dir" = /dev/fd/9 ] && [ -f "$home/lib/smapi-migrate.jsa" ]; then
    # The interned-string and symbol tables start at 1,024 buckets, not 65,536 and 32,768: the
    # archive holds the tool's symbols and strings in tables of its own, the runtime ones are a
    # few hundred, and both tables grow when they fill. 200 page faults less at every start.
    # (Experimental options of this runtime, so only for it.)
    set -- -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 \
        -XX:+UnlockExperimentalVMOptions -XX:SymbolTableSize=1024 -XX:StringTableSize=1024 \
        "-XX:SharedArchiveFile=$home/lib/smapi-migrate.jsa" "$main" "$@"
else
    set -- "$main" "$@"
fi

# The code cannot find the bundled SMAPIv3 SR from its jar location (that is /dev/fd/9).
SMAPI_MIGRATE_BUNDLED_PLUGINS="${SMAPI_MIGRATE_BUNDLED_PLUGINS:-$home/examples/xapi-storage-script}"
export SMAPI_MIGRATE_BUNDLED_PLUGINS
# 'bench' starts its whole-process cases through this script, with these settings.
SMAPI_MIGRATE_LAUNCHER="$self"
export SMAPI_MIGRATE_LAUNCHER
# shellcheck disable=SC2086 # word splitting of the option lists is wanted
exec "$java" $jvm ${SMAPI_MIGRATE_JAVA_OPTS:-} -cp "$cp" "$@"
