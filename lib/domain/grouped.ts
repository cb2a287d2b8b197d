/**
 * Items grouped by a key, the groups and their items in the order of the items' first appearance
 * (`Map.groupBy`, which Node 20 does not have).
 * @example grouped([{ f: 'A', n: 1 }, { f: 'B', n: 2 }, { f: 'A', n: 3 }], (x) => x.f) // Map { 'A' => [1st, 3rd], 'B' => [2nd] }
 */
export function grouped<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
