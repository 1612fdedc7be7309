import { describe, expect, it } from 'vitest';
import { allSelected, clickSelect, pruneSelection, toggleAll, toggleOne, type SelectionState } from './selection.js';

const order = ['a', 'b', 'c', 'd', 'e'];
const empty: SelectionState = { selected: new Set(), anchor: null };
const ids = (s: SelectionState) => [...s.selected].sort();

describe('selection', () => {
  it('click selects one, ctrl toggles, shift selects a range from the anchor', () => {
    let s = clickSelect(empty, order, 'b');
    expect(ids(s)).toEqual(['b']);
    s = clickSelect(s, order, 'd', { shift: true });
    expect(ids(s)).toEqual(['b', 'c', 'd']);
    s = clickSelect(s, order, 'a', { shift: true });
    expect(ids(s)).toEqual(['a', 'b']);
    s = clickSelect(s, order, 'e', { toggle: true });
    expect(ids(s)).toEqual(['a', 'b', 'e']);
    expect(s.anchor).toBe('e');
    s = clickSelect(s, order, 'c', { shift: true, toggle: true });
    expect(ids(s)).toEqual(['a', 'b', 'c', 'd', 'e']);
    s = clickSelect(s, order, 'e', { toggle: true });
    expect(ids(s)).toEqual(['a', 'b', 'c', 'd']);
  });
  it('shift without an anchor selects one', () => {
    expect(ids(clickSelect(empty, order, 'c', { shift: true }))).toEqual(['c']);
  });
  it('checkboxes toggle and shift-extend', () => {
    let s = toggleOne(empty, order, 'a');
    s = toggleOne(s, order, 'c', true);
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    s = toggleOne(s, order, 'b');
    expect(ids(s)).toEqual(['a', 'c']);
  });
  it('select all filtered toggles and keeps others', () => {
    let s: SelectionState = { selected: new Set(['z']), anchor: null };
    s = toggleAll(s, ['a', 'b']);
    expect(ids(s)).toEqual(['a', 'b', 'z']);
    expect(allSelected(s.selected, ['a', 'b'])).toBe('all');
    expect(allSelected(s.selected, ['a', 'c'])).toBe('some');
    s = toggleAll(s, ['a', 'b']);
    expect(ids(s)).toEqual(['z']);
  });
  it('prunes vanished ids', () => {
    const s: SelectionState = { selected: new Set(['a', 'x']), anchor: 'x' };
    const p = pruneSelection(s, new Set(['a', 'b']));
    expect(ids(p)).toEqual(['a']);
    expect(p.anchor).toBeNull();
    const same = { selected: new Set(['a']), anchor: 'a' };
    expect(pruneSelection(same, new Set(['a']))).toBe(same);
  });
});
