#!/bin/bash
# render_lab_configs.sh OUTDIR: every config the lab can generate from scripts/lab/*.cfg.in
# (role x flavour x upstream x hot backup or not), through the lab's own lab_render_config,
# so the config tests check the files the lab really runs. Writes OUTDIR/lab_*.cfg.
set -euo pipefail
out=$1
mkdir -p "$out"
# A private state directory: a lab running on the machine must not choose the variants.
TANDEM_LAB_STATE=$(mktemp -d)
export TANDEM_LAB_STATE
trap 'rm -rf "$TANDEM_LAB_STATE"' EXIT
source "$(dirname "$0")/../../scripts/lab/lib.sh"
for role in master backup; do
  for flavour in common admin; do
    for upstream in flood pim; do
      for mode in rbp norbp; do
        TANDEM_LAB_FLAVOUR=$flavour TANDEM_LAB_UPSTREAM=$upstream \
          lab_render_config "$role" "$out/lab_${role}_${flavour}_${upstream}_${mode}.cfg" "$mode"
      done
    done
  done
done
