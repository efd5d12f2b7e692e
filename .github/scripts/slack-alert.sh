#!/usr/bin/env bash
# Posts "$1" to the Slack incoming webhook in $SLACK_WEBHOOK_URL; does nothing when it is unset,
# so forks and test installations without Slack still pass.
set -euo pipefail
if [ -z "${SLACK_WEBHOOK_URL:-}" ]; then
  echo "SLACK_WEBHOOK_URL is not set: no alert sent"
  exit 0
fi
jq -n --arg text "$1" '{text: $text}' |
  curl --fail --silent --show-error --max-time 30 -X POST -H 'Content-Type: application/json' \
    --data @- "$SLACK_WEBHOOK_URL"
