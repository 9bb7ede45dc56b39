#!/usr/bin/env bash
# `make image`: builds the salesflowd container image (deploy/Dockerfile) with the first OCI
# builder this machine can use — docker (with a daemon that answers), podman or buildah — and
# says clearly when there is none. Exit codes: 0 built, 1 the build failed, 3 no builder.
# IMAGE=name:tag overrides the tag (default salesflowd:VERSION and salesflowd:latest).
set -uo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^project(SalesFlow VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
image=${IMAGE:-salesflowd:${version}}
args=(-f deploy/Dockerfile -t "$image" -t "${image%%:*}:latest" .)

why=()
if command -v docker > /dev/null; then
    if docker info > /dev/null 2>&1; then
        echo "building $image with docker"
        exec docker build "${args[@]}"
    fi
    said=$(docker info 2>&1 | grep -i -m1 'error\|cannot')
    why+=("docker is installed but its daemon does not answer: ${said:-docker info failed}")
else
    why+=("docker: not installed")
fi
if command -v podman > /dev/null; then
    echo "building $image with podman"
    exec podman build --format docker "${args[@]}"
fi
why+=("podman: not installed")
if command -v buildah > /dev/null; then
    echo "building $image with buildah"
    exec buildah build --format docker "${args[@]}"
fi
why+=("buildah: not installed")

echo "make image: no OCI image builder is usable on this machine, so no image was built." >&2
for w in "${why[@]}"; do echo "  - $w" >&2; done
echo "  Install one (Debian: apt-get install podman, or buildah; or start the docker daemon) and run make image again." >&2
exit 3
