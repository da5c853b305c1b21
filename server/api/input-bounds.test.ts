import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appRouter } from './root';

/** Every string field of every procedure's input declares a maximum length (or a bounded format). */
function unboundedStrings(schema: unknown, path: string, found: string[]): string[] {
  if (!schema || typeof schema !== 'object') return found;
  const s = schema as Record<string, unknown>;
  if (s.type === 'string' && s.maxLength === undefined && s.format === undefined && s.enum === undefined && s.const === undefined) found.push(path);
  for (const [key, child] of Object.entries(s)) unboundedStrings(child, `${path}.${key}`, found);
  return found;
}

describe('input schemas', () => {
  it('bound the length of every string', () => {
    const found: string[] = [];
    const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, { _def: { inputs: z.ZodType[] } }> } })._def.procedures);
    expect(procedures.length).toBeGreaterThan(20);
    for (const [name, procedure] of procedures) {
      for (const input of procedure._def.inputs) unboundedStrings(z.toJSONSchema(input, { unrepresentable: 'any', io: 'input' }), name, found);
    }
    expect(found).toEqual([]);
  });

  it('would notice an unbounded one', () => {
    expect(unboundedStrings(z.toJSONSchema(z.object({ a: z.string(), b: z.string().max(3) })), 'x', [])).toEqual(['x.properties.a']);
  });
});
