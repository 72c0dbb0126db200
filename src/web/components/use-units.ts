import { useQuery } from '@tanstack/react-query';
import type { Unit } from '../../shared/schemas/units.js';
import { listUnits, listUnitStaff } from './service.js';

/** The district's org tree, loaded once per session (a few hundred units). */
export function useUnits() {
  return useQuery({
    queryKey: ['units'],
    queryFn: async () => (await listUnits()).items,
    staleTime: 10 * 60_000,
  });
}

export interface UnitTreeNode {
  value: string;
  title: string;
  code: string;
  children: UnitTreeNode[];
}

/** Units as TreeSelect nodes (value = id), optionally keyed by code instead. */
export function toUnitTree(units: Unit[], valueOf: (u: Unit) => string = (u) => u.id): UnitTreeNode[] {
  const nodes = new Map(units.map((u) => [u.id, { value: valueOf(u), title: u.name, code: u.code, children: [] as UnitTreeNode[] }]));
  const roots: UnitTreeNode[] = [];
  for (const u of units) {
    const node = nodes.get(u.id)!;
    const parent = u.parentId ? nodes.get(u.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export function useUnitStaff(unitId: string | undefined) {
  return useQuery({
    queryKey: ['unit-staff', unitId],
    queryFn: async () => (await listUnitStaff(unitId!)).items,
    enabled: !!unitId,
  });
}
