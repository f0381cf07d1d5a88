#!/usr/bin/env bash
# Rebuild the vendored front-end assets. Usage: cd frontend && npm ci && ./build.sh
set -euo pipefail

cd "$(dirname "$0")"
ROOT="$(cd .. && pwd)"
PKG="node_modules/govuk-frontend"
DIST="$PKG/dist/govuk"
OUT="$ROOT/static/vendor/govuk-frontend"
TESTS_OUT="$ROOT/tests/vendor"

GOVUK_VERSION="$(node -p "require('./$PKG/package.json').version")"
AXE_VERSION="$(node -p "require('./node_modules/axe-core/package.json').version")"

rm -rf "$OUT"
mkdir -p "$OUT" "$TESTS_OUT"

# 1. CSS: compile without GDS Transport / @font-face.
npx sass --no-source-map --style=compressed --load-path=node_modules \
  --quiet-deps main.scss "$OUT/govuk-frontend.min.css"

if grep -q -i -e '@font-face' -e 'GDS Transport' "$OUT/govuk-frontend.min.css"; then
  echo "ERROR: compiled CSS still contains @font-face or GDS Transport" >&2
  exit 1
fi

# 2. JS: the ES module bundle shipped in the package (source map reference stripped,
#    as we don't vendor the .map file).
sed -e 's#//\# sourceMappingURL=[^ ]*$##' "$DIST/govuk-frontend.min.js" > "$OUT/govuk-frontend.min.js"

# 3. Copy exactly the images the compiled CSS references (nothing else:
#    no fonts, favicons, crown logo or manifest.json).
ASSET_PREFIX="/static/vendor/govuk-frontend/assets/"
grep -o 'url([^)]*)' "$OUT/govuk-frontend.min.css" \
  | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']$//" \
  | sort -u \
  | while read -r ref; do
      case "$ref" in
        data:*) ;;
        "$ASSET_PREFIX"*)
          rel="${ref#"$ASSET_PREFIX"}"
          src="$DIST/assets/$rel"
          if [ ! -f "$src" ]; then
            echo "ERROR: CSS references $ref but $src does not exist" >&2
            exit 1
          fi
          mkdir -p "$OUT/assets/$(dirname "$rel")"
          cp "$src" "$OUT/assets/$rel"
          ;;
        *)
          echo "ERROR: unexpected url() in compiled CSS: $ref" >&2
          exit 1
          ;;
      esac
    done

# 4. Licence, version, README.
# The npm package (6.x) ships no licence file, only "license": "MIT" in its
# package.json; fall back to the upstream LICENSE.txt kept in licences/.
PKG_LICENCE="$(find "$PKG" -maxdepth 1 -type f \( -iname 'licen[cs]e*' \) | head -n 1)"
cp "${PKG_LICENCE:-licences/govuk-frontend-LICENCE.txt}" "$OUT/LICENCE.txt"
echo "$GOVUK_VERSION" > "$OUT/VERSION"
cat > "$OUT/README.md" <<README
# GOV.UK Frontend ${GOVUK_VERSION} (vendored, unbranded build)

This folder is generated. Do not edit it by hand.

It contains a compiled build of [GOV.UK Frontend](https://github.com/alphagov/govuk-frontend)
(the GOV.UK Design System, npm package \`govuk-frontend\`) version **${GOVUK_VERSION}**,
so that Django can serve it from \`static/\` with no Node.js at run time.

It is compiled **without GOV.UK branding**: no crown logo and no GDS Transport
font (Arial is used instead, and no \`@font-face\` rules are emitted). The crown,
the GDS Transport typeface, the GOV.UK favicons/manifest and the GOV.UK
header are reserved for services on the GOV.UK domain. Use the generic header
(\`govuk-generic-header\`) rather than the GOV.UK header (\`govuk-header\`).

Contents:

- \`govuk-frontend.min.css\` – compiled (compressed) from \`frontend/main.scss\`
- \`govuk-frontend.min.js\` – the ES module bundle from \`govuk-frontend/dist/govuk/govuk-frontend.min.js\`
- \`assets/images/…\` – only the image files referenced by the compiled CSS
- \`LICENCE.txt\` – GOV.UK Frontend's MIT licence
- \`VERSION\` – the version number

## Rebuilding

\`\`\`sh
cd frontend && npm ci && ./build.sh
\`\`\`

To upgrade, change the exact version of \`govuk-frontend\` in
\`frontend/package.json\`, run \`npm install\` in \`frontend/\`, then \`./build.sh\`,
and commit \`frontend/package*.json\` together with this folder.
README

# 5. axe-core for accessibility tests.
cp node_modules/axe-core/axe.min.js "$TESTS_OUT/axe.min.js"
cp node_modules/axe-core/LICENSE "$TESTS_OUT/AXE-LICENSE.txt"
echo "axe-core ${AXE_VERSION} (MPL-2.0, see AXE-LICENSE.txt) vendored from npm for accessibility tests; rebuild with \`cd frontend && npm ci && ./build.sh\`." > "$TESTS_OUT/README.md"

# 6. Report every url() in the compiled CSS and whether it resolves.
echo "url() references in $OUT/govuk-frontend.min.css:"
grep -o 'url([^)]*)' "$OUT/govuk-frontend.min.css" | sort | uniq -c | while read -r count ref; do
  path="$(echo "$ref" | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']$//")"
  case "$path" in
    data:*) status="data URI" ;;
    /static/vendor/govuk-frontend/*)
      if [ -f "$OUT/${path#/static/vendor/govuk-frontend/}" ]; then status="OK (file exists)"; else status="MISSING"; fi ;;
    *) status="UNEXPECTED" ;;
  esac
  echo "  ${count}x ${path:0:80} -> $status"
done

echo "Built govuk-frontend ${GOVUK_VERSION} and axe-core ${AXE_VERSION}."
