#!/usr/bin/env bash
# Regenerates ../overlays/{dev,prod}/nats.yaml from the official NATS chart and the values
# beside this script. Needs helm and the chart repository:
#   helm repo add nats https://nats-io.github.io/k8s/helm/charts/ && helm repo update
# Pin the chart version here and in the rendered files' headers together.
set -euo pipefail
cd "$(dirname "$0")"
CHART_VERSION=2.14.2
for overlay in dev prod; do
  {
    echo "# Rendered from the NATS chart $CHART_VERSION by deploy/k8s/nats/render.sh"
    echo "# (values-common.yaml, values-$overlay.yaml). Do not edit: change the values and rerun."
    helm template nats nats/nats --version "$CHART_VERSION" --namespace fanout \
      -f values-common.yaml -f "values-$overlay.yaml"
  } > "../overlays/$overlay/nats.yaml"
done
