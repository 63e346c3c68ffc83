# tap.sh: TAP output for shell tests, read by automake's tap-driver.
# Usage: tap_plan N; tap_ok DESC; tap_fail DESC [DETAIL]; tap_check DESC CMD...;
# tap_is DESC GOT WANT; tap_skip DESC REASON; tap_bail REASON.

tap_n=0

tap_plan() { echo "1..$1"; }

tap_ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }

tap_fail() {
    tap_n=$((tap_n + 1))
    echo "not ok $tap_n - $1"
    shift
    [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/# /'
    return 0
}

tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }

tap_bail() { echo "Bail out! $1"; exit 1; }

# tap_check DESC CMD...: passes when CMD exits 0.
tap_check() {
    _d=$1; shift
    if _out=$("$@" 2>&1); then tap_ok "$_d"; else tap_fail "$_d" "$_out"; fi
}

# tap_is DESC GOT WANT: exact string comparison.
tap_is() {
    if [ "$2" = "$3" ]; then tap_ok "$1"
    else tap_fail "$1" "got:  $2" "want: $3"; fi
}

# tap_like DESC GOT PATTERN: grep -E on GOT.
tap_like() {
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then tap_ok "$1"
    else tap_fail "$1" "got:  $2" "want /$3/"; fi
}
