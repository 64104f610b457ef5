# Sourced by the other scripts (not run on its own): the Debian 12 packages
# probity builds with, and a function that installs whichever are missing.

probity_packages=(build-essential cmake ninja-build pkg-config lld
                  librocksdb-dev libxxhash-dev libabsl-dev libgtest-dev libgmock-dev
                  libbenchmark-dev nlohmann-json3-dev libcli11-dev libutf8proc-dev libfmt-dev
                  libssl-dev)

# install_missing LABEL PACKAGE...: apt-get installs the packages not yet
# installed (as root, or through sudo), saying which under LABEL.
install_missing() {
  local label=$1
  shift
  local missing=() p
  for p in "$@"; do
    [ -n "$p" ] || continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "$label: installing ${missing[*]}"
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
}
