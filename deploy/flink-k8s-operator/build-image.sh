#!/usr/bin/env bash
# Builds the job jars and the image the manifests name.
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE=segmentflow/flink-jobs:0.1.0-SNAPSHOT
mvn -B -ntp -q package -DskipTests -pl jobs -am
docker build -t "$IMAGE" -f deploy/flink-k8s-operator/Dockerfile .
echo "built $IMAGE; push it where your cluster pulls from and set spec.image if you rename it"
