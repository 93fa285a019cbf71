#!/usr/bin/env bash
# Builds the FedFHIR implementation guide (needs Node/npm and a JDK 17; the Maven wrapper fetches the rest).
#
#   ig/build.sh               rebuild ig/fsh-generated (SUSHI's output) and ig/invalid (must-fail examples)
#   ig/build.sh --check       build into a temporary directory and fail if the committed output differs
#   ig/build.sh --skip-cache  do not assemble the offline FHIR package cache (already done, e.g. by Maven)
#
# Steps: 1. SUSHI from npm (fsh-sushi pinned in package.json / package-lock.json);
#        2. hl7.fhir.r4.core#4.0.1 (+ empty placeholders of SUSHI's automatic dependencies) into
#           ~/.fhir/packages from HAPI FHIR's bundled R4 definitions (FhirPackageCacheAssembler);
#        3. sushi build; 4. node invalid-cases.mjs (must-fail variants of the examples + manifest).
set -euo pipefail

check=false
skip_cache=false
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    --skip-cache) skip_cache=true ;;
    *) echo "usage: $0 [--check] [--skip-cache]" >&2; exit 2 ;;
  esac
done

IG="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$IG")"
cd "$IG"

# 1. SUSHI, exactly the locked version
sushi_version="$(node -p 'require("./package.json").devDependencies["fsh-sushi"]')"
if [ ! -x node_modules/.bin/sushi ] \
   || [ "$(node -p 'require("./node_modules/fsh-sushi/package.json").version' 2>/dev/null)" != "$sushi_version" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# 2. offline FHIR package cache
if [ "$skip_cache" = false ]; then
  cp_file="$(mktemp)"
  "$ROOT/mvnw" -q -B -f "$ROOT/pom.xml" -pl ig dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
  java -cp "$(cat "$cp_file")" "$IG/src/test/java/org/fedfhir/ig/tools/FhirPackageCacheAssembler.java" 2>&1 \
    | grep -v '^SLF4J' || true
  rm -f "$cp_file"
fi

# 3. SUSHI into a scratch directory; 0 errors and 0 warnings or the build fails
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log="$out/sushi.log"
if ! node_modules/.bin/sushi build "$IG" --out "$out" >"$log" 2>&1; then
  cat "$log" >&2
  echo "ig: SUSHI failed" >&2
  exit 1
fi
result="$(grep -oE "[0-9]+ Errors? +[0-9]+ Warnings?" "$log" | tr -s " ")"
echo "ig: SUSHI $(node_modules/.bin/sushi --version | head -1 | awk '{print $2}'): $result"
if ! echo "$result" | grep -Eq '^0 Errors +0 Warnings$'; then
  grep -E '^(error|warn)' -A3 "$log" >&2 || true
  echo "ig: SUSHI must compile with 0 errors and 0 warnings" >&2
  exit 1
fi

# 4. must-fail examples, derived from SUSHI's examples
node invalid-cases.mjs "$out/fsh-generated/resources" "$out/invalid" >/dev/null

if [ "$check" = true ]; then
  stale=false
  diff -r "$out/fsh-generated" "$IG/fsh-generated" >"$out/diff.txt" 2>&1 || stale=true
  diff -r "$out/invalid" "$IG/invalid" >>"$out/diff.txt" 2>&1 || stale=true
  if [ "$stale" = true ]; then
    head -n 60 "$out/diff.txt" >&2
    echo "ig: the committed SUSHI output (ig/fsh-generated, ig/invalid) is STALE: run ig/build.sh and commit it" >&2
    exit 1
  fi
  echo "ig: committed output is up to date"
else
  rm -rf "$IG/fsh-generated" "$IG/invalid"
  cp -r "$out/fsh-generated" "$IG/fsh-generated"
  cp -r "$out/invalid" "$IG/invalid"
  echo "ig: wrote ig/fsh-generated ($(ls "$IG/fsh-generated/resources" | wc -l) resources) and ig/invalid ($(ls "$IG/invalid" | grep -c '\.json$') files)"
fi
