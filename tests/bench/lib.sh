# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/lib.sh - shared by the bench scripts: source it at the top; its functions use die(),
# usage(), REPO and WORK, which the script defines before calling them.

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

# parse_cli_args NAME ARG...: the one option of the vidshelf-cli benchmarks, --cli PATH (sets CLI);
# -h/--help prints usage(); anything else is a usage error (exit 2) named after NAME.
parse_cli_args() {
  local name=$1
  shift
  CLI=
  while [ $# -gt 0 ]; do
    case $1 in
      --cli) [ $# -ge 2 ] || { usage >&2; exit 2; }; CLI=$2; shift 2 ;;
      --cli=*) CLI=${1#--cli=}; shift ;;
      -h | --help) usage; exit 0 ;;
      *) echo "$name: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
  done
}
