#!/bin/sh
# convert.sh rebuilds content/articles/ from the Markdown documentation that
# rclone ships in its Go module (docs/content/), for kb's search evaluation.
# The prose and code are copied byte for byte; only the front matter changes:
# Hugo's own keys (type, aliases, outputs) go, and kb's updated: is added
# (the module version's release date). Left out: the changelog, the authors
# list, the generated flag list and an empty Hugo data page.
set -eu
version=v1.76.0
updated=2026-11-06
here=$(cd "$(dirname "$0")" && pwd)
dir=$(cd "$(mktemp -d)" && go mod download -json "github.com/rclone/rclone@$version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
src=$dir/docs/content
out=$here/content/articles
rm -rf "$out"
mkdir -p "$out"
for f in "$src"/*.md "$src"/oracleobjectstorage/*.md; do
	rel=${f#"$src"/}
	case $rel in
	changelog.md | authors.md | flags.md | backends.md) continue ;;
	_index.md) name=rclone.md ;;
	oracleobjectstorage/_index.md) name=oracleobjectstorage.md ;;
	*/*) name=$(echo "$rel" | tr / - | tr _ -) ;;
	*) name=$rel ;;
	esac
	awk -v updated="$updated" '
		NR == 1 && $0 == "---" { fm = 1; print; next }
		fm && $0 == "---" { print "updated: " updated; print; fm = 0; next }
		fm && /^(type|aliases|outputs):/ { skip = 1; next }
		fm && skip && /^[[:space:]]*- / { next }
		fm { skip = 0 }
		{ print }
	' "$f" >"$out/$name"
done
cp "$dir/COPYING" "$here/COPYING"
