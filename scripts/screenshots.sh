#!/usr/bin/env bash
# Saves a PNG of every page of the operations console into docs/screenshots/ (or the folder given), taken
# from a real window under a virtual X server: the console runs its demo federation, waits for
# $ROUNDS committed rounds (default 40), shows each page in turn, snapshots it, and exits.
#
#   scripts/screenshots.sh [OUT_DIR]
#
# Needs: xvfb (xvfb-run) and libgtk-3-0 (JavaFX's window system on Linux), JDK 17, Maven for the build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/docs/screenshots}"
rounds="${ROUNDS:-40}"
jar="$here/console-app/target/flotilla.jar"

command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run is missing (apt-get install xvfb libgtk-3-0)" >&2; exit 1; }
if [ ! -f "$jar" ] || [ -n "$(find "$here" -path "$here/*/target" -prune -o -path '*/src/main/*' -type f -newer "$jar" -print -quit)" ]; then
  echo "screenshots: building the console..." >&2
  (cd "$here" && mvn -B -q -o -DskipTests -pl console-app -am package) || (cd "$here" && mvn -B -q -DskipTests -pl console-app -am package)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "screenshots: running the demo federation under Xvfb until $rounds rounds have committed..." >&2
xvfb-run -a -s "-screen 0 1600x1000x24" \
  java -Dprism.order=sw -Dflotilla.screenshots.rounds="$rounds" -jar "$jar" console --screenshot-dir "$tmp" \
  > "$tmp/console.log" 2>&1 || { tail -40 "$tmp/console.log" >&2; echo "screenshots: the console failed" >&2; exit 1; }

shopt -s nullglob
pngs=("$tmp"/*.png)
if [ "${#pngs[@]}" -eq 0 ]; then
  tail -40 "$tmp/console.log" >&2
  echo "screenshots: no screenshot was written" >&2
  exit 1
fi
mkdir -p "$out"
rm -f "$out"/[0-9][0-9]-*.png
cp "${pngs[@]}" "$out/"
echo "screenshots: wrote ${#pngs[@]} PNGs to $out:" >&2
ls -1 "$out"/[0-9][0-9]-*.png >&2
