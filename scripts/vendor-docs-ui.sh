#!/usr/bin/env bash
# The interactive reference at /docs is Swagger UI's prebuilt files, pinned in
# api/docs-ui/package.json (+ package-lock.json) and committed under api/docs-ui/vendor with
# their licence, so offload-api embeds them at build time and /docs works with no network.
#
#   ./scripts/vendor-docs-ui.sh           copy the pinned package's files into the vendor folder
#   ./scripts/vendor-docs-ui.sh --check   fail when the committed files differ from the package's
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

FILES=(swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE)
vendor="api/docs-ui/vendor"
command -v npm >/dev/null || { sudo_if_needed apt-get update -qq && sudo_if_needed apt-get install -y -qq npm; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp api/docs-ui/package.json api/docs-ui/package-lock.json "$work/"
# --ignore-scripts: a dependency's install script (usage analytics) has no business running here.
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
package="$work/node_modules/swagger-ui-dist"

if [ "${1:-}" = "--check" ]; then
  drift=0
  for file in "${FILES[@]}"; do
    if ! cmp -s "$package/$file" "$vendor/$file"; then
      echo "api/docs-ui/vendor/$file differs from swagger-ui-dist@$(node -p "require('$package/package.json').version")" >&2
      drift=1
    fi
  done
  [ "$drift" = 0 ] || { echo "run scripts/vendor-docs-ui.sh" >&2; exit 1; }
  echo "docs assets match the pinned swagger-ui-dist"
else
  mkdir -p "$vendor"
  for file in "${FILES[@]}"; do cp "$package/$file" "$vendor/$file"; done
  say "copied swagger-ui-dist@$(node -p "require('$package/package.json').version") into $vendor"
fi
