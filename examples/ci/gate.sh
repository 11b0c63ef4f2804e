#!/usr/bin/env bash
# Score BASE and HEAD predictions with sumbench, gate them, write the job summary.
# Used by the composite action (action.yml at the repository root); its inputs arrive as
# SB_* variables. Exit: the worst sumbench exit code (0 pass, 1 gate, 2 input, 3 internal).
set -uo pipefail
out="${SB_OUTPUT:-sumbench-out}"
mkdir -p "$out"
: > "$out/gate.log"
status=0
keep() { status=$(( $1 > status ? $1 : status )); }
split() { local flag=$1; shift; for item in $*; do printf '%s\n%s\n' "$flag" "$item"; done; }

metrics=(); while IFS= read -r x; do metrics+=("$x"); done < <(split -m "${SB_METRICS:-rouge}")
fail_under=(); while IFS= read -r x; do fail_under+=("$x"); done < <(split --fail-under "${SB_FAIL_UNDER:-}")
fail_over=(); while IFS= read -r x; do fail_over+=("$x"); done < <(split --fail-over "${SB_FAIL_OVER:-}")
max_drop=(); while IFS= read -r x; do max_drop+=("$x"); done < <(split --max-drop "${SB_MAX_DROP:-}")
allow=(); [ -n "${SB_ALLOW_FAILURES:-}" ] && allow=(--allow-failures "$SB_ALLOW_FAILURES")

sides=(head); [ -n "${SB_BASE_PREDICTIONS:-}" ] && sides=(base head)
for side in "${sides[@]}"; do
  preds=$([ "$side" = base ] && echo "$SB_BASE_PREDICTIONS" || echo "$SB_HEAD_PREDICTIONS")
  gates=(); [ "$side" = head ] && gates=("${fail_under[@]}" "${fail_over[@]}" "${allow[@]}")
  sumbench run --dataset "$SB_REFERENCES" "${metrics[@]}" "${gates[@]}" \
    -s "predictions:path=$preds,name=${SB_SYSTEM:-model}" --output "$out/$side" \
    2>&1 | tee -a "$out/gate.log" || keep "${PIPESTATUS[0]}"
done
if [ -n "${SB_BASE_PREDICTIONS:-}" ] && [ -f "$out/base/results.json" ] && [ -f "$out/head/results.json" ]; then
  sumbench compare "$out/base" "$out/head" "${max_drop[@]}" "${allow[@]}" \
    --min-coverage "${SB_MIN_COVERAGE:-1}" --markdown "$out/report.md" \
    2>&1 | tee -a "$out/gate.log" || keep "${PIPESTATUS[0]}"
elif [ -f "$out/head/report.md" ]; then
  cp "$out/head/report.md" "$out/report.md"
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    [ -f "$out/report.md" ] && cat "$out/report.md"
    echo; echo "### Gates (exit $status)"; echo '```'
    grep -E '^(pass|FAIL|gate failed|error|internal error)' "$out/gate.log" || true
    echo '```'
  } >> "$GITHUB_STEP_SUMMARY"
fi
[ -n "${GITHUB_OUTPUT:-}" ] && echo "exit-code=$status" >> "$GITHUB_OUTPUT"
exit "$status"
