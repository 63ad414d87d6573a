#!/usr/bin/env bash
# Runs the protocol benchmarks of crypto/ natively and as WebAssembly under
# Node, and prints them as raw `go test -bench` output (benchstat reads it).
# Usage: tools/perf/crypto-bench.sh [OUTDIR]   (default: /tmp/lanterne-bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/tmp/lanterne-bench}
mkdir -p "$out"
count=${COUNT:-6}
pkgs="./crypto/casecode ./crypto/envelope ./crypto/evidence ./crypto/casekey ./crypto/directory"
wasm_exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec"

{
  echo "# date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# go: $(go version)"
} | tee "$out/env.txt"

# Native.
go test -run '^$' -bench 'Derive$|Seal|Open|Encrypt|Decrypt|NewCase|Verify' -benchmem -count "$count" $pkgs | tee "$out/native.txt"

# WebAssembly under Node (what a browser runs; Chromium figures come with issue 4).
GOOS=js GOARCH=wasm go test -exec="$wasm_exec" -run '^$' -bench 'Derive$|Seal|Open|Encrypt/|Decrypt/|Verify' -benchtime 3x -count 3 $pkgs | tee "$out/wasm.txt"

# The reference tools on the same 64 MiB file, same machine, same run:
# age v1.3.2 to a post-quantum recipient and to an X25519 one, and gpg to a
# Curve25519 key (what peer platforms use). Reported as MB/s per run.
tooldir=$(mktemp -d)
GOBIN="$tooldir" go install filippo.io/age/cmd/age@v1.3.2 filippo.io/age/cmd/age-keygen@v1.3.2
age_bin="$tooldir/age"
head -c $((64<<20)) /dev/urandom > "$out/input.bin"
{
  keydir=$(mktemp -d)
  agekeygen="$tooldir/age-keygen"
  "$agekeygen" -pq -o "$keydir/pq.key" 2>/dev/null
  "$agekeygen" -o "$keydir/x.key" 2>/dev/null
  pqr=$("$agekeygen" -y "$keydir/pq.key"); xr=$("$agekeygen" -y "$keydir/x.key")
  export GNUPGHOME="$keydir/gnupg"; mkdir -m 700 "$GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-gen-key 'bench <bench@invalid>' ed25519 cert never 2>/dev/null
  fpr=$(gpg --batch --list-keys --with-colons bench@invalid | awk -F: '/^fpr/{print $10; exit}')
  gpg --batch --quiet --passphrase '' --quick-add-key "$fpr" cv25519 encr never 2>/dev/null
  for i in $(seq 1 "$count"); do
    for tool in age-pq age-x25519 gpg-cv25519; do
      t0=$(date +%s.%N)
      case $tool in
        age-pq) "$age_bin" -r "$pqr" -o /dev/null "$out/input.bin" ;;
        age-x25519) "$age_bin" -r "$xr" -o /dev/null "$out/input.bin" ;;
        gpg-cv25519) gpg --batch --yes --trust-model always -z 0 -e -r bench@invalid -o /dev/null "$out/input.bin" ;;
      esac
      t1=$(date +%s.%N)
      echo "Benchmark${tool}-encrypt-64MiB 1 $(python3 -c "print(int(($t1-$t0)*1e9))") ns/op $(python3 -c "print(round(64*1048576/($t1-$t0)/1e6,2))") MB/s"
    done
  done
} | tee "$out/reference.txt"
rm -f "$out/input.bin"

echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/env.txt"
