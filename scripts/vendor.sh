#!/usr/bin/env bash
# Copies the two browser scripts the site serves itself into docs/assets/vendor/, so that
# neither edition loads anything from a CDN at run time:
#   - mermaid.min.js: mkdocs-material loads mermaid@11 from unpkg.com unless a global
#     `mermaid` is already defined (mkdocs.yml lists the local copy in extra_javascript);
#   - the iframe-worker shim: the offline plugin adds https://unpkg.com/iframe-worker/shim to
#     extra.polyfills unless an entry containing "iframe-worker" is already there
#     (mkdocs-offline.yml lists the local copy).
# Versions come from package-lock.json (exact pins); each file is copied with its package's
# LICENSE (both MIT) and package.json (name, version, licence, source), which the site
# publishes next to it. Run through `make vendor`; docs/assets/vendor/ is not committed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "vendor.sh: npm is missing (make system-deps installs it)" >&2
  exit 1
fi

# npm ci only when node_modules does not already hold exactly what package-lock.json pins.
# --ignore-scripts: nothing here needs an install script, and none is run.
if [ ! -f node_modules/.package-lock.json ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || ! npm ls --depth=0 >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --ignore-scripts
fi

dest=docs/assets/vendor
rm -rf "$dest"
mkdir -p "$dest/mermaid" "$dest/iframe-worker"

cp node_modules/mermaid/dist/mermaid.min.js "$dest/mermaid/mermaid.min.js"
cp node_modules/mermaid/LICENSE node_modules/mermaid/package.json "$dest/mermaid/"

# unpkg serves https://unpkg.com/iframe-worker/shim as the package's shim/index.js.
cp node_modules/iframe-worker/shim/index.js "$dest/iframe-worker/shim.js"
cp node_modules/iframe-worker/LICENSE node_modules/iframe-worker/package.json "$dest/iframe-worker/"

for f in mermaid/mermaid.min.js mermaid/LICENSE iframe-worker/shim.js iframe-worker/LICENSE; do
  [ -s "$dest/$f" ] || { echo "vendor.sh: $dest/$f is missing or empty" >&2; exit 1; }
done
echo "vendored into $dest: mermaid $(node -p 'require("./node_modules/mermaid/package.json").version'), iframe-worker $(node -p 'require("./node_modules/iframe-worker/package.json").version')"
