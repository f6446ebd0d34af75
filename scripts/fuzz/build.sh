#!/usr/bin/env bash
# Builds the libFuzzer harnesses of Tests/Fuzz/Harnesses into .build/fuzz/bin.
#
# swiftc directly, not SwiftPM: `swift build --sanitize=fuzzer` would
# instrument every dependency (NIO, the MCP SDK, GRDB) and SwiftPM's
# executable targets bring a `main` of their own, which clashes with
# libFuzzer's. Here each module a harness needs is compiled from the
# project's own sources, in dependency order, into a static library with
# `-sanitize=fuzzer,address` (coverage for libFuzzer, AddressSanitizer for
# memory errors) and `-enable-testing` (a harness reaches internal entry
# points with @testable import); a harness is compiled with
# `-parse-as-library` and linked with libFuzzer's main. Two harnesses take
# single files of a larger module with them instead of the whole module:
# the query guard (Sources/Workspace/Query, over SQLite) and the MCP
# argument validator (Sources/MCPServer/Schema, over the MCP SDK's `Value`,
# compiled from the pinned SDK checkout).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=$root/.build/fuzz
mkdir -p "$out/lib" "$out/bin"
SWIFTC=${SWIFTC:-swiftc}
flags=(-sanitize=fuzzer,address -O -g -parse-as-library -enable-testing -I "$out/lib"
    -I Sources/CZlib -I Sources/CMalloc -I Sources/CProcessControl)

# The checkouts of the pinned dependencies (swift-log, the MCP SDK, GRDB's SQLite module map).
[ -d .build/checkouts/swift-sdk ] || swift package resolve >/dev/null
checkouts=$root/.build/checkouts

# module NAME SOURCE...: a static library and its .swiftmodule, compiled
# again only when a source (or this script) is newer than the library.
module() {
    local name=$1 lib=$out/lib/lib$1.a
    shift
    if [ -f "$lib" ] && [ -z "$(find "$@" "$0" -newer "$lib" | head -1)" ]; then return; fi
    echo "fuzz: compiling module $name" >&2
    "$SWIFTC" "${flags[@]}" -module-name "$name" -package-name "$name" -emit-module \
        -emit-module-path "$out/lib/$name.swiftmodule" -emit-library -static -o "$lib" "$@"
}
# harness NAME 'LIBRARIES' EXTRA_SOURCE...: an executable fuzzer, made
# again only when its source, a library or an extra source is newer.
harness() {
    local name=$1 libs=$2 bin=$out/bin/fuzz-$1
    shift 2
    local inputs=("Tests/Fuzz/Harnesses/$name.swift" "$out/lib" "$0")
    for f in "$@"; do [ -f "$f" ] && inputs+=("$f"); done
    if [ -x "$bin" ] && [ -z "$(find "${inputs[@]}" -newer "$bin" | head -1)" ]; then return; fi
    echo "fuzz: linking harness $name" >&2
    # shellcheck disable=SC2086
    "$SWIFTC" "${flags[@]}" -use-ld=lld -module-name "Fuzz_$name" -o "$bin" \
        "Tests/Fuzz/Harnesses/$name.swift" "$@" -L "$out/lib" $libs
}
sources() { find "$@" -name '*.swift' | sort; }

module CasparianCore $(sources Sources/CasparianCore)
module Inference $(sources Sources/Inference)
module Contracts $(sources Sources/Contracts)
module WireProtocol $(sources Sources/WireProtocol)
module Logging $(sources "$checkouts/swift-log/Sources/Logging")
module PluginHost $(sources Sources/PluginHost)
module MCP "$checkouts/swift-sdk/Sources/MCP/Base/Value.swift" "$checkouts/swift-sdk/Sources/MCP/Extensions/Data+Extensions.swift"

only=${1:-}
build() { [ -z "$only" ] || [ "$only" = "$1" ]; }
build glob && harness glob "-lCasparianCore"
for h in csv encoding gzip analyzer formats; do
    build $h && harness $h "-lInference -lCasparianCore -lz"
done
build contract && harness contract "-lContracts -lInference -lCasparianCore -lz"
build frames && harness frames "-lPluginHost -lLogging -lWireProtocol -lCasparianCore"
build query && harness query "-lCasparianCore -lsqlite3" -I "$checkouts/GRDB.swift/Sources/GRDBSQLite" $(sources Sources/Workspace/Query)
build mcp && harness mcp "-lMCP" $(sources Sources/MCPServer/Schema)
echo "fuzz: harnesses in $out/bin" >&2
