# Selects a JDK 21 or newer and exports JAVA_HOME for it. Sourced by ./warden, scripts/test and
# .ci/run, so every entry point builds and runs with the same rule.
#
# Order: $JAVA_HOME if it is new enough, then the `java` on PATH, then every JDK under
# /usr/lib/jvm, newest first. Fails with a message naming what was found when none qualifies.

warden_java_major() {
  # Prints the major version of the java binary $1, or nothing if it does not run.
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

warden_select_jdk() {
  local candidate major seen=""
  local candidates=()
  if [ -n "${JAVA_HOME:-}" ]; then candidates+=("$JAVA_HOME"); fi
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r candidate; do candidates+=("$candidate"); done \
      < <(find /usr/lib/jvm -mindepth 1 -maxdepth 1 -type d | sort -rV)
  fi
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major="$(warden_java_major "$candidate/bin/java")"
    seen="$seen ${candidate}(${major:-?})"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "warden: needs a JDK 21 or newer (java and javac); found:${seen:- none}." >&2
  echo "warden: install one (for example a Temurin 21 or 25 JDK) and set JAVA_HOME to it." >&2
  return 1
}
