#!/usr/bin/env bash
# bench/compare.sh: kb build against Hugo + Pagefind on the generated help
# center (internal/corpus), and against goldmark alone; writes the table of
# docs/performance.md.
#
#   bench/compare.sh
#
# It installs what is missing (Debian's hugo and hyperfine, GNU time, with
# apt-get; the pagefind npm package into $KB_BENCH_TOOLS), builds kb,
# generates a 10,000-page and a 1,000-page site, then runs ROUNDS rounds;
# each round runs every command once, in turn, so that a busy moment on the
# machine slows both sides of a ratio:
#
#   floor     kb-corpus -floor: read, split front matter, goldmark (GFM) parse
#             and render of every page, on GOMAXPROCS goroutines
#   kb        kb build of the 10,000 pages, cold: no output, no .kb/
#   kb-again  kb build again, nothing changed
#   hugo      hugo with bench/hugo's layouts, cold: no output, no resources
#   pagefind  pagefind over Hugo's output, cold: no pagefind/ folder
#   kb-small  kb build of the 1,000 pages, cold
#
# Each run goes through hyperfine (wall time) and /usr/bin/time -v (peak
# resident memory). bench/report computes the medians and the ratios.
#
# Environment: PAGES (10000), SMALL (1000), ROUNDS (3), KB_REF (build kb
# from this commit instead of the working tree), DOC
# (docs/performance.md), KB_BENCH_DIR (the work folder; default a new folder
# under /var/tmp, removed at the end unless KEEP=1; on tmpfs, as with
# KB_BENCH_DIR=/dev/shm/kb-bench, the results go to the doc's tmpfs
# section instead of its disk section), KB_BENCH_TOOLS (where Pagefind is
# installed; default ~/.cache/kb-bench). Paths must not contain spaces. On
# a 2-core machine it takes about 8 to 12 minutes with ROUNDS=3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

PAGES=${PAGES:-10000}
SMALL=${SMALL:-1000}
ROUNDS=${ROUNDS:-3}
DOC=${DOC:-docs/performance.md}
TOOLS=${KB_BENCH_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/kb-bench}
PAGEFIND_VERSION=1.6.0
started=$(date +%s)

say() { printf 'compare: %s\n' "$*" >&2; }

# --- tools ------------------------------------------------------------------
pkgs=()
command -v hugo >/dev/null 2>&1 || pkgs+=(hugo)
command -v hyperfine >/dev/null 2>&1 || pkgs+=(hyperfine)
[ -x /usr/bin/time ] || pkgs+=(time)
if [ ${#pkgs[@]} -gt 0 ]; then
  say "installing ${pkgs[*]} with apt-get"
  sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
# the platform binary the pagefind package installs (not its node wrapper)
# (nothing, not a failure, before it is installed: pipefail is on)
find_pagefind() {
  [ -d "$TOOLS/node_modules/@pagefind" ] || return 0
  find "$TOOLS/node_modules/@pagefind" -path '*/bin/pagefind*' -type f -perm -u+x ! -name '*.*' 2>/dev/null | sort | head -n 1
}
pagefind=$(find_pagefind)
if [ -z "$pagefind" ]; then
  say "installing pagefind@$PAGEFIND_VERSION from npm into $TOOLS"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --no-save --no-package-lock --no-audit --no-fund --silent "pagefind@$PAGEFIND_VERSION")
  pagefind=$(find_pagefind)
  [ -n "$pagefind" ] || { say "the pagefind package has no binary for this machine"; exit 1; }
fi

# --- work folder, kb, the sites ----------------------------------------------
if [ -n "${KB_BENCH_DIR:-}" ]; then
  work=$KB_BENCH_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d /var/tmp/kb-bench.XXXXXX)
  [ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
fi
m=$work/measurements
rm -rf "$m"
mkdir -p "$m" "$work/bin"
say "work folder $work"
# kb from the working tree, or from the commit KB_REF names (KB_REF=HEAD
# leaves out uncommitted changes).
src=$root
kb_version=$(git describe --always --dirty 2>/dev/null || echo unknown)
if [ -n "${KB_REF:-}" ]; then
  src=$work/src
  rm -rf "$src"
  mkdir -p "$src"
  git archive "$KB_REF" | tar -x -C "$src"
  kb_version=$(git rev-parse --short "$KB_REF")
fi
(cd "$src" && go build -o "$work/bin/kb" ./cmd/kb && go build -o "$work/bin/kb-corpus" ./cmd/kb-corpus)
big=$work/site-$PAGES
small=$work/site-$SMALL
for n in "$PAGES" "$SMALL"; do
  if [ ! -f "$work/site-$n/site.yaml" ]; then
    rm -rf "$work/site-$n"
    "$work/bin/kb-corpus" -pages "$n" -out "$work/site-$n" | tee "$work/site-$n.txt" >&2
  fi
done

kb=$work/bin/kb
hugo_out=$work/hugo-public
hugo_cmd="env HUGO_STATICDIR=$big/static HUGO_RESOURCEDIR=$work/hugo-resources hugo --quiet --source $root/bench/hugo --contentDir $big/content --destination $hugo_out --cacheDir $work/hugo-cache"

# measure NAME ROUND PREPARE COMMAND: one run of COMMAND, after PREPARE,
# timed by hyperfine and watched by /usr/bin/time -v.
measure() {
  local name=$1 round=$2 prepare=$3 cmd=$4
  hyperfine --runs 1 --style none -N --prepare "$prepare" --export-json "$m/$name.$round.json" \
    "/usr/bin/time -v -o $m/$name.$round.time $cmd" >/dev/null 2>"$m/$name.$round.err" ||
    { say "$name failed:"; cat "$m/$name.$round.err" "$m/$name.$round.time" >&2 || true; exit 1; }
}

for round in $(seq 1 "$ROUNDS"); do
  cat /proc/loadavg >"$m/load.$round"
  say "round $round of $ROUNDS (load $(cut -d' ' -f1-3 /proc/loadavg))"
  measure floor "$round" "true" "$work/bin/kb-corpus -floor $big"
  measure kb "$round" "rm -rf $big/public $big/.kb" "$kb build -s $big --quiet"
  measure kb-again "$round" "true" "$kb build -s $big --quiet"
  measure hugo "$round" "rm -rf $hugo_out $work/hugo-resources $work/hugo-cache" "$hugo_cmd"
  measure pagefind "$round" "rm -rf $hugo_out/pagefind" "$pagefind --site $hugo_out --quiet"
  measure kb-small "$round" "rm -rf $small/public $small/.kb" "$kb build -s $small --quiet"
done

# --- sizes and the machine -----------------------------------------------------
size() { # size DIR [NAME]: "123.4 MB in 5,678 files", leaving out DIR/NAME
  local dir=$1 skip=${2:-}
  local bytes files
  if [ -n "$skip" ]; then
    bytes=$(du -sb --exclude="$skip" "$dir" | cut -f1)
    files=$(find "$dir" -path "$dir/$skip" -prune -o -type f -print | wc -l)
  else
    bytes=$(du -sb "$dir" | cut -f1)
    files=$(find "$dir" -type f | wc -l)
  fi
  awk -v b="$bytes" -v f="$files" 'BEGIN { printf "%.1f MB in %d files", b / 1e6, f }'
}
{
  echo "date=$(date -u +%Y-%m-%d)"
  echo "pages=$PAGES"
  echo "small=$SMALL"
  echo "markdown=$(sed -n 's/.*, \([0-9.]* MB\) of Markdown.*/\1/p' "$work/site-$PAGES.txt" 2>/dev/null || true)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "cores=$(nproc)"
  echo "memory=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "workdir=sites and outputs on $(df -T "$work" | awk 'NR == 2 { print $2 }')"
  echo "kb=$kb_version"
  echo "hugo=$(hugo version | awk '{ print "Hugo " $2 }')"
  echo "pagefind=$("$pagefind" --version | awk '{ print $2 }')"
  echo "go=$(go version | awk '{ print $3 }')"
  echo "size.floor=none (the HTML is discarded)"
  echo "size.kb=public/ $(size "$big/public"); search index (.kb/search.bleve) $(size "$big/.kb/search.bleve")"
  echo "size.kb-again=nothing written"
  echo "size.hugo=public/ $(size "$hugo_out" pagefind)"
  echo "size.pagefind=public/pagefind/ $(size "$hugo_out/pagefind")"
  echo "size.kb-small=public/ $(size "$small/public")"
} >"$m/env"

# The doc has a section for runs on disk and one for runs on tmpfs (RAM).
section=disk
[ "$(df --output=fstype "$work" | tail -n 1)" = tmpfs ] && section=tmpfs
go run ./bench/report -dir "$m" -doc "$DOC" -section "$section"
say "wrote $DOC in $(($(date +%s) - started)) s"
