import { http } from './http.js';

/**
 * The group-commit batches an instance ran for one operation, read from its /metrics: how many batches, and how
 * many of them held a single request.
 */
export async function joinBatches(
  baseUrl: string,
  operation: 'create_or_join' | 'reserve',
): Promise<{ count: number; single: number }> {
  const { body } = await http<string>(baseUrl, 'GET', '/metrics');
  const read = (pattern: RegExp) => Number(body.match(pattern)?.[1] ?? 0);
  return {
    count: read(new RegExp(`^joinery_join_batch_size_count\\{operation="${operation}"\\} (\\d+)$`, 'm')),
    single: read(new RegExp(`^joinery_join_batch_size_bucket\\{le="1",operation="${operation}"\\} (\\d+)$`, 'm')),
  };
}
