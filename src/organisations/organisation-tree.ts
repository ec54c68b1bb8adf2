import type { EntityManager } from 'typeorm';

/** Every organisation's parent, read in one query (the directory is a few hundred rows). */
async function parents(manager: EntityManager): Promise<Map<number, number>> {
  const rows = await manager.query<{ id: number; parent_id: number }[]>(
    'SELECT id, parent_id FROM organisation WHERE parent_id IS NOT NULL',
  );
  return new Map(rows.map((row) => [Number(row.id), Number(row.parent_id)]));
}

/** The organisation and those above it, nearest first (a council's utskott: itself, the council). */
export async function withAncestors(manager: EntityManager, id: number): Promise<number[]> {
  const parentOf = await parents(manager);
  const chain = [id];
  for (let next = parentOf.get(id); next !== undefined && !chain.includes(next);) {
    chain.push(next);
    next = parentOf.get(next);
  }
  return chain;
}

/** The organisation and every organisation under it. */
export async function withDescendants(manager: EntityManager, id: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const [child, parent] of await parents(manager)) {
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const all = [id];
  for (let index = 0; index < all.length; index += 1) {
    for (const child of children.get(all[index]) ?? []) {
      if (!all.includes(child)) all.push(child);
    }
  }
  return all;
}
