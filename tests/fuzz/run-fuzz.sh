#!/bin/sh
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) in a build directory of
# their own, outside the normal g++/CMake build, and runs each for a fixed time: the API request layer (with
# the public subscribe form's parser and its strict target policy), the CSV parser and the endpoint URL rules
# (normaliser, redaction, target policy). (Receivers' answers are read by Qt's own HTTP client, which Qt fuzzes.)
#   tests/fuzz/run-fuzz.sh [SECONDS_PER_TARGET (default 60)] [BUILD_DIR (default build-fuzz)]
#   FUZZ_TARGETS="fuzz_url" runs only the named targets.
# Needs clang and libclang-rt-14-dev (Debian: apt-get install -y clang libclang-rt-14-dev).
set -eu
SECONDS_PER_TARGET=${1:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${2:-$ROOT/build-fuzz}
CXX=${CXX_FUZZ:-clang++}
mkdir -p "$BUILD"

command -v "$CXX" >/dev/null || { echo "run-fuzz: $CXX not found (apt-get install -y clang libclang-rt-14-dev)"; exit 2; }
QT_FLAGS=$(pkg-config --cflags --libs Qt6Core)
QT_NETWORK_FLAGS=$(pkg-config --cflags --libs Qt6Core Qt6Network Qt6Sql) # Sql: the service headers the API parser reads into
# The project's compile rules (see cmake/CommonConfig.cmake), so the fuzzed code is the code we ship.
DEFS="-DQT_NO_CAST_FROM_ASCII -DQT_NO_CAST_TO_ASCII -DQT_NO_KEYWORDS -DQT_USE_QSTRINGBUILDER -DQT_NO_DEBUG_OUTPUT"
FLAGS="-std=c++17 -g -O1 -fPIC -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
INCS="-I$ROOT"

build() {
    name=$1; shift
    echo "run-fuzz: building $name"
    # shellcheck disable=SC2086
    $CXX $FLAGS $DEFS $INCS "$@" -o "$BUILD/$name" ${LIBS:-$QT_FLAGS}
}
LIBS=$QT_NETWORK_FLAGS build fuzz_api "$ROOT/tests/fuzz/fuzz_api.cpp" "$ROOT/app/api/apirequestparser.cpp" \
    "$ROOT/app/api/incidentrequests.cpp" \
    "$ROOT/app/api/apirequestbody.cpp" "$ROOT/app/api/apiqueryparser.cpp" "$ROOT/app/api/featurerequests.cpp" \
    "$ROOT/app/api/apiroutes.cpp" "$ROOT/app/api/subscribeform.cpp" "$ROOT/models/values.cpp" \
    "$ROOT/models/endpointurl.cpp" "$ROOT/models/targetpolicy.cpp"
LIBS=$QT_NETWORK_FLAGS build fuzz_csv "$ROOT/tests/fuzz/fuzz_csv.cpp" "$ROOT/app/formats/csv.cpp" "$ROOT/models/endpointurl.cpp"
LIBS=$QT_NETWORK_FLAGS build fuzz_url "$ROOT/tests/fuzz/fuzz_url.cpp" "$ROOT/models/endpointurl.cpp" \
    "$ROOT/models/targetpolicy.cpp"

status=0
for target in ${FUZZ_TARGETS:-fuzz_api fuzz_csv fuzz_url}; do
    corpus="$BUILD/corpus-${target#fuzz_}"
    artifacts="$BUILD/artifacts-${target#fuzz_}/"
    mkdir -p "$corpus" "$artifacts"
    cp -n "$ROOT/tests/fuzz/corpus/${target#fuzz_}/"* "$corpus/" 2>/dev/null || true
    log="$BUILD/$target.log"
    echo "run-fuzz: running $target for ${SECONDS_PER_TARGET}s (log: $log)"
    if "$BUILD/$target" -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    findings=$(find "$artifacts" -type f | wc -l)
    echo "run-fuzz: $target: $result, ${runs:-?} executions, $findings finding(s) in $artifacts"
    if [ "$result" = FAILED ]; then
        grep -E "ERROR|SUMMARY|deadly signal" "$log" | head -n 5
    fi
done
exit $status
