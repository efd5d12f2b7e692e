#!/usr/bin/env bash
# Cuts release vX.Y.Z of this repository (run by .github/workflows/release.yml, or by hand):
#   1. checks the version, that the tag is new and that CHANGELOG.md has a "## [X.Y.Z]" section,
#   2. on a detached commit, rewrites every "<project>/actions/<name>@main" and
#      "<project>/.github/workflows/<file>@main" reference in .github/workflows/ and actions/ to
#      "@vX.Y.Z", so a caller pinned to the tag runs the actions of that tag (docs/design.md "Workflows"),
#   3. tags it vX.Y.Z and moves the major tag vX to it; with --push, pushes both tags to origin.
#   4. writes the CHANGELOG section to release-notes.md (the GitHub release's body).
# main itself keeps @main: the release commit is reachable only from its tags.
set -euo pipefail
usage() { echo "usage: scripts/release.sh X.Y.Z [--push]" >&2; exit 2; }
version="${1:-}"; [ -n "$version" ] || usage
push=false; [ "${2:-}" = "--push" ] && push=true
version="${version#v}"
if ! [[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]]; then
  echo "::error::version '$version' is not X.Y.Z" >&2; exit 1
fi
tag="v$version"; major="v${version%%.*}"
cd "$(git rev-parse --show-toplevel)"
project="$(node -p 'const r = require("./package.json").repository || ""; (/([^/:]+\/[^/.]+)(\.git)?$/.exec(r.url || r) || [, "stackhpc/release-train"])[1]')"

if git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
  echo "::error::tag $tag already exists" >&2; exit 1
fi
notes="$(awk -v v="$version" '
  $0 ~ "^## \\[" v "\\]" { on = 1; next }
  on && /^## / { exit }
  on { print }' CHANGELOG.md)"
if [ -z "$(tr -d '[:space:]' <<<"$notes")" ]; then
  echo "::error file=CHANGELOG.md::no '## [$version]' section with notes in CHANGELOG.md" >&2; exit 1
fi
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "::error::the work tree has uncommitted changes" >&2; exit 1
fi

git checkout -q --detach
files=$(git ls-files '.github/workflows/*.yml' '.github/workflows/*.yaml' 'actions/*/action.yml' 'actions/*/action.yaml')
escaped="${project//\//\\/}"
# shellcheck disable=SC2086
sed -i -E "s/(${escaped}\/(actions\/[A-Za-z0-9._-]+|\.github\/workflows\/[A-Za-z0-9._-]+))@main\b/\1@${tag}/g" $files
if git diff --quiet; then
  echo "::error::no ${project}/…@main reference to pin" >&2; exit 1
fi
git -c user.name="${GIT_AUTHOR_NAME:-release-train}" -c user.email="${GIT_AUTHOR_EMAIL:-release-train@users.noreply.github.com}" \
  commit -q -am "Release $tag: this repository's actions pinned to $tag"
git -c user.name="${GIT_AUTHOR_NAME:-release-train}" -c user.email="${GIT_AUTHOR_EMAIL:-release-train@users.noreply.github.com}" \
  tag -a "$tag" -m "release-train $tag"
git -c user.name="${GIT_AUTHOR_NAME:-release-train}" -c user.email="${GIT_AUTHOR_EMAIL:-release-train@users.noreply.github.com}" \
  tag -fa "$major" -m "release-train $tag (latest $major)"
printf '%s\n' "$notes" > release-notes.md
echo "tagged $tag and moved $major to $(git rev-parse --short HEAD)"
if $push; then
  git push -q origin "refs/tags/$tag"
  git push -q --force origin "refs/tags/$major"
  echo "pushed $tag and $major"
fi
