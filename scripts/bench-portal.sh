#!/usr/bin/env bash
# Benchmark of the township portal (issue 19): N villages × M postings, a cold build and a build
# after one village changes, each with wall time and peak memory (/usr/bin/time -v).
#   scripts/bench-portal.sh 30 50               # small, about a minute on 2 cores (debug binary)
#   scripts/bench-portal.sh --release 300 200   # the size, release binary (built first)
#   GONGKAI=path/to/gongkai scripts/bench-portal.sh 300 200   # any binary
# Timings go to stdout and, with BENCH_OUT=file, appended to that file.
set -euo pipefail
if [ "${1:-}" = "--release" ]; then
  shift
  cargo build --release --locked --bin gongkai
  GONGKAI=${GONGKAI:-target/release/gongkai}
fi
N=${1:-30}
M=${2:-50}
GONGKAI=${GONGKAI:-target/debug/gongkai}
GONGKAI=$(realpath "$GONGKAI")
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

echo "portal: $N villages × $M postings in $DIR"
{
  echo 'title = "基准镇村务公开"'
  echo 'unit = "基准镇人民政府"'
  echo 'base_url = "https://example.org/zhen/"'
} > "$DIR/portal.toml"
for v in $(seq 1 "$N"); do
  site="$DIR/v$v"
  mkdir -p "$site/content/village"
  printf 'title = "第%s村三务公开栏"\nunit = "第%s村村民委员会"\nbase_url = "https://example.org/v%s/"\n' "$v" "$v" "$v" > "$site/site.toml"
  printf '+++\ntitle = "村务公开"\n+++\n' > "$site/content/village/_index.md"
  for p in $(seq 1 "$M"); do
    d=$(( (p % 28) + 1 ))
    m=$(( (p % 10) + 1 ))
    printf '+++\ntitle = "第%s村关于第%s项村务的公开"\ndate = 2026-%02d-%02d\nkind = "决议公开"\n+++\n\n经村民代表会议讨论，现将第%s项村务公开如下。\n\n| 项目 | 金额 |\n| --- | ---: |\n| 材料 | 1,200.00 |\n| 人工 | 800.00 |\n' \
      "$v" "$p" "$m" "$d" "$p" > "$site/content/village/p$p.md"
  done
  printf '\n[[sites]]\npath = "v%s"\n' "$v" >> "$DIR/portal.toml"
done
run() {
  /usr/bin/time -v "$GONGKAI" build --today 2026-11-25 --root "$DIR" 2> "$DIR/time.txt" | tail -1 || true
  grep -E "Elapsed \(wall|Maximum resident" "$DIR/time.txt" | sed "s/^\s*/  $1: /" | tee -a "${BENCH_OUT:-/dev/null}"
}
run cold
printf '+++\ntitle = "新增一篇"\ndate = 2026-11-24\nkind = "通知"\n+++\n\n新增。\n' > "$DIR/v1/content/village/new.md"
run one-changed
run unchanged
