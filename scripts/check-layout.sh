#!/usr/bin/env bash
# The floors of the house, checked the way Chromium's checkdeps checks DEPS: every quoted include in production
# code names a file from the repository root, and a folder includes only the folders listed for it below.
# Folders not listed below their parent take their parent's rule (app/api/routes/ is app/api). A rule lists
# only lower floors, so two folders never include each other. Exits 1 and names each offending line.
# usage: scripts/check-layout.sh [ROOT]   (run by scripts/test.sh before the build)
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2

# folder (a unit) : the units its files may include besides their own
rules=(
    "models:"
    "models/itemmodels: models"
    "app/formats: models"
    "app/email: app/formats models"
    "app/services: app/email app/formats models"
    "app/readers: app/formats models/itemmodels models"
    "app/alerts: app/readers app/formats models/itemmodels models"
    "app/delivery: app/services app/email app/formats models"
    "app/upstream: app/delivery app/services app/email app/formats models"
    "app/report: app/formats models"
    "app/testreceiver: app/formats models"
    "app/api: app/delivery app/services app/readers app/report app/email app/formats models"
    "app/cli: app/api app/upstream app/delivery app/services app/readers app/report app/testreceiver app/email app/formats models"
    "ui: app/alerts app/upstream app/delivery app/services app/readers app/report app/testreceiver app/email app/formats models/itemmodels models"
    "app/gui: ui app/alerts app/upstream app/delivery app/services app/readers app/report app/testreceiver app/email app/formats models/itemmodels models"
)
declare -A allowed=()
units=()
for r in "${rules[@]}"; do
    unit=${r%%:*}
    units+=("$unit")
    allowed[$unit]=" ${r#*:} "
done

# the longest unit that is a prefix of a folder
unit_of() {
    local dir=$1 best="" u
    for u in "${units[@]}"; do
        if [[ $dir == "$u" || $dir == "$u"/* ]] && [ ${#u} -gt ${#best} ]; then best=$u; fi
    done
    printf '%s' "$best"
}

bad=0
while IFS= read -r file; do
    dir=$(dirname "$file")
    from=$(unit_of "$dir")
    [ -n "$from" ] || { echo "check-layout: $file: its folder has no rule in scripts/check-layout.sh"; bad=1; continue; }
    while IFS=: read -r line inc; do
        inc=${inc#*\"}; inc=${inc%\"*}
        case $inc in *.moc | moc_* | ui_* | */*.moc) continue ;; esac
        if [ ! -f "$inc" ]; then
            echo "check-layout: $file:$line: #include \"$inc\" does not name a file from the repository root"
            bad=1; continue
        fi
        to=$(unit_of "$(dirname "$inc")")
        [ "$to" = "$from" ] && continue
        if [[ ${allowed[$from]} != *" $to "* ]]; then
            echo "check-layout: $file:$line: $from may not include $inc ($to is not a floor below $from)"
            bad=1
        fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$file" | sed -E 's/^([0-9]+):.*(".*").*/\1:\2/')
done < <(git ls-files 'app/*' 'models/*' 'ui/*' 2>/dev/null | grep -E '\.(h|cpp)$' ||
         find app models ui -name '*.h' -o -name '*.cpp')

# Tests and benchmarks may include anything, but only by its path from the root.
while IFS= read -r file; do
    while IFS=: read -r line inc; do
        inc=${inc#*\"}; inc=${inc%\"*}
        case $inc in *.moc | moc_* | ui_*) continue ;; esac
        [ -f "$inc" ] || { echo "check-layout: $file:$line: #include \"$inc\" does not name a file from the repository root"; bad=1; }
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$file" | sed -E 's/^([0-9]+):.*(".*").*/\1:\2/')
done < <(git ls-files 'tests/*' 'bench/*' 2>/dev/null | grep -E '\.(h|cpp)$')

[ $bad -eq 0 ] && echo "check-layout: every include names its folder and stays on or below its floor"
exit $bad
