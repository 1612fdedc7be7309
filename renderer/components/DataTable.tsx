// A plain, dense, keyboard-accessible table. Sortable columns have a header button (Enter/Space to sort) and
// announce their order with aria-sort.
import { useMemo, useState, type ReactNode } from 'react';
import { sortRows, type SortDir, type SortValue } from '../lib/sort.js';

export interface Column<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  /** Makes the column sortable. */
  sortValue?: (row: T) => SortValue;
  className?: string;
  /** Header shown only to screen readers (e.g. "Actions"). */
  hiddenHeader?: boolean;
}

interface DataTableProps<T> {
  label: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  rowTestId?: string;
  rowAttrs?: (row: T) => Record<string, string | undefined>;
  rowClassName?: (row: T) => string | undefined;
  initialSort?: { key: string; dir: SortDir };
  testId?: string;
}

export function DataTable<T>({ label, columns, rows, rowKey, rowTestId, rowAttrs, rowClassName, initialSort, testId }: DataTableProps<T>) {
  const [sort, setSort] = useState<{ key: string; dir: SortDir } | null>(initialSort ?? null);
  const sorted = useMemo(() => {
    const col = sort ? columns.find((c) => c.key === sort.key) : undefined;
    return col?.sortValue && sort ? sortRows(rows, col.sortValue, sort.dir) : [...rows];
  }, [rows, columns, sort]);

  const toggle = (key: string) => {
    setSort((s) => (s && s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));
  };

  return (
    <div className="table-wrap">
      <table className="data-table" aria-label={label} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              const ariaSort = active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : c.sortValue ? 'none' : undefined;
              return (
                <th key={c.key} scope="col" className={c.className} aria-sort={ariaSort}>
                  {c.hiddenHeader ? (
                    <span className="visually-hidden">{c.header}</span>
                  ) : c.sortValue ? (
                    <button type="button" className="sort-button" onClick={() => toggle(c.key)}>
                      {c.header}
                      <span className="sort-indicator" aria-hidden="true">
                        {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)} data-testid={rowTestId} className={rowClassName?.(row)} {...(rowAttrs?.(row) ?? {})}>
              {columns.map((c) => (
                <td key={c.key} className={c.className}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
