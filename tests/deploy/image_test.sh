#!/usr/bin/env bash
# ctest deploy_image: builds the salesflowd image with `make image` (deploy/image.sh) and, where
# the builder can also run containers (docker, podman), starts it: healthy on /healthz, runs as
# a non-root user, stops on SIGTERM within the 30 s the deploy files give it, exit code 0.
# Exit 77 (ctest: Skipped, with the reason printed) when this machine has no OCI builder.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
image=salesflowd:ci-test
out=$(IMAGE=$image "$src/deploy/image.sh" 2>&1)
rc=$?
echo "$out" | tail -n 20
if [ $rc -eq 3 ]; then
    echo "SKIPPED: the image was not built — no OCI builder on this machine (see above)."
    exit 77
fi
[ $rc -eq 0 ] || { echo "FAIL: make image exited $rc"; exit 1; }
runner=""
for b in docker podman; do
    if command -v $b > /dev/null && $b image inspect $image > /dev/null 2>&1; then runner=$b; break; fi
done
if [ -z "$runner" ]; then
    echo "built with buildah; no docker or podman here to run it: the run checks are skipped"
    exit 0
fi
uid=$($runner run --rm --entrypoint id $image -u)
[ "$uid" != "0" ] || { echo "FAIL: the image runs as root"; exit 1; }
id=$($runner run -d -e SALESFLOW_DB=sqlite:///var/lib/salesflow/ci.db $image)
trap '$runner rm -f $id > /dev/null 2>&1' EXIT
for _ in $(seq 1 60); do
    state=$($runner inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null)
    [ "$state" = healthy ] && break
    sleep 2
done
[ "$state" = healthy ] || { echo "FAIL: not healthy after 120 s ($state)"; $runner logs "$id" | tail; exit 1; }
start=$(date +%s)
$runner stop -t 30 "$id" > /dev/null
took=$(( $(date +%s) - start ))
code=$($runner inspect -f '{{.State.ExitCode}}' "$id")
echo "stopped in ${took} s with exit code $code"
[ "$code" = 0 ] && [ "$took" -lt 30 ] || { echo "FAIL: SIGTERM did not stop it cleanly"; exit 1; }
echo "image checks passed"
