// Multi-select like a file manager: click selects one, Ctrl/⌘-click toggles, Shift-click selects the range from the
// anchor (adding to the selection with Ctrl/⌘ held). Works on ids in display order so it survives re-sorting.
export interface SelectionState {
  selected: ReadonlySet<string>;
  anchor: string | null;
}

export interface ClickMods {
  shift?: boolean;
  toggle?: boolean;
}

export function clickSelect(state: SelectionState, order: readonly string[], id: string, mods: ClickMods = {}): SelectionState {
  if (mods.shift && state.anchor !== null) {
    const a = order.indexOf(state.anchor);
    const b = order.indexOf(id);
    if (a >= 0 && b >= 0) {
      const [from, to] = a <= b ? [a, b] : [b, a];
      const next = new Set(mods.toggle ? state.selected : []);
      for (let i = from; i <= to; i++) next.add(order[i]!);
      return { selected: next, anchor: state.anchor };
    }
  }
  if (mods.toggle) {
    const next = new Set(state.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { selected: next, anchor: id };
  }
  return { selected: new Set([id]), anchor: id };
}

/** Checkbox: toggles one id, keeps the rest (shift on a checkbox selects the range). */
export function toggleOne(state: SelectionState, order: readonly string[], id: string, shift = false): SelectionState {
  if (shift && state.anchor !== null) return clickSelect(state, order, id, { shift: true, toggle: true });
  return clickSelect(state, order, id, { toggle: true });
}

/** "Select all" over the filtered ids: selects them all, or clears them when all are already selected. */
export function toggleAll(state: SelectionState, ids: readonly string[]): SelectionState {
  const all = ids.length > 0 && ids.every((id) => state.selected.has(id));
  if (all) {
    const next = new Set(state.selected);
    for (const id of ids) next.delete(id);
    return { selected: next, anchor: state.anchor };
  }
  const next = new Set(state.selected);
  for (const id of ids) next.add(id);
  return { selected: next, anchor: state.anchor };
}

export function allSelected(selected: ReadonlySet<string>, ids: readonly string[]): 'all' | 'some' | 'none' {
  let n = 0;
  for (const id of ids) if (selected.has(id)) n++;
  return n === 0 ? 'none' : n === ids.length ? 'all' : 'some';
}

/** Drops ids no longer present (after a reload). */
export function pruneSelection(state: SelectionState, present: ReadonlySet<string>): SelectionState {
  let changed = false;
  const next = new Set<string>();
  for (const id of state.selected) {
    if (present.has(id)) next.add(id);
    else changed = true;
  }
  if (!changed && (state.anchor === null || present.has(state.anchor))) return state;
  return { selected: next, anchor: state.anchor !== null && present.has(state.anchor) ? state.anchor : null };
}
