#!/usr/bin/env bash
# Regenerates the committed *.pb.swift files beside each .proto under Sources/.
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift from swift-protobuf 1.39.0.
# Building the plugin is slow, so it is built once into .build-protoc/ and reused:
#   scripts/generate-protos.sh            # builds the plugin if missing, then generates
#   PROTOC_GEN_SWIFT=/path/to/plugin scripts/generate-protos.sh
set -euo pipefail
cd "$(dirname "$0")/.."
plugin="${PROTOC_GEN_SWIFT:-}"
if [ -z "$plugin" ]; then
    src=.build-protoc/swift-protobuf
    if [ ! -x "$src/.build/debug/protoc-gen-swift" ]; then
        rm -rf "$src" && mkdir -p .build-protoc
        git clone -q https://github.com/apple/swift-protobuf "$src"
        git -C "$src" checkout -q 1.39.0
        (cd "$src" && swift build --product protoc-gen-swift)
    fi
    plugin="$src/.build/debug/protoc-gen-swift"
fi
find Sources -name '*.proto' | while read -r proto; do
    dir=$(dirname "$proto")
    protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$dir" \
        --swift_opt=Visibility=Internal --swift_out="$dir" "$proto"
    echo "generated ${proto%.proto}.pb.swift"
done
