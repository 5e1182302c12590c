# tests/bench/lib.sh - shared by the bench scripts: source it after defining die(), REPO and WORK.

# build_release DIR WHAT [TARGET...]: a release build (tests off) of the clone in DIR, configured
# once and reconfigured after; builds TARGETs (all when none). WHAT names them in messages.
build_release() {
  local b=$1 what=$2 log=$WORK/build.log
  shift 2
  command -v meson >/dev/null 2>&1 || die "meson not found; install it or pass an existing build"
  echo "== building a release $what in $b"
  if [ -f "$b/build.ninja" ]; then
    meson configure "$b" -Dbuildtype=release -Dtests=false >"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; die "meson configure $b failed"; }
  else
    meson setup "$b" "$REPO" -Dbuildtype=release -Dtests=false >"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; die "meson setup $b failed"; }
  fi
  meson compile -C "$b" "$@" >"$log" 2>&1 \
    || { tail -n 30 "$log" >&2; die "building $what failed (log above)"; }
}
