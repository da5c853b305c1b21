import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schemas from '../../server/platform/schemas';
import { type OutboundHarness, startOutboundHarness } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { type PlatformHarness, platformCustomer, sinkDomain, startPlatform } from '../../testing/platform';
import { SealpostApiError, SealpostClient } from '@sealpost/client';

const isolated = useIsolatedDb();
let h: OutboundHarness;
let p: PlatformHarness;
beforeAll(async () => {
  h = await startOutboundHarness(isolated.db(), isolated.url());
  p = await startPlatform(isolated.db(), h);
});
afterAll(async () => {
  await p?.close();
  await h?.close();
});

describe('the typed client against the API server', () => {
  it('covers templates, sending, status, suppressions, webhooks and stats, and its answers match the server’s schemas', async () => {
    const c = await platformCustomer(isolated.db(), h);
    const client = new SealpostClient({ baseUrl: p.url, apiKey: c.key });

    const template = await client.templates.create({ name: 'receipt', subject: 'Receipt {{n}}', html: '<p>Total: {{total}}</p>' });
    expect(schemas.templateSchema.parse(template).version).toBe(1);
    const v2 = await client.templates.update('receipt', { subject: 'Your receipt {{n}}', html: '<p>Total due: {{total}}</p>' });
    expect(v2.version).toBe(2);
    expect((await client.templates.versions(template.id)).versions.map((v) => v.version)).toEqual([2, 1]);
    const preview = await client.templates.preview('receipt', { variables: { n: 7, total: '<9 €>' } });
    expect(schemas.previewSchema.parse(preview)).toEqual({ subject: 'Your receipt 7', html: '<p>Total due: &lt;9 €&gt;</p>', text: 'Total due: <9 €>' });
    expect((await client.templates.preview('receipt', { version: 1, variables: { n: 7 } })).subject).toBe('Receipt 7');

    const to = `eve@${sinkDomain(h)}`;
    const sent = await client.messages.send(
      { from: c.from, to, template_id: 'receipt', variables: { n: 1, total: '5' }, tags: ['receipts'] },
      { idempotencyKey: 'r-1' },
    );
    expect(schemas.acceptedSchema.parse(sent).status).toBe('queued');
    expect(
      await client.messages.send({ from: c.from, to, template_id: 'receipt', variables: { n: 1, total: '5' }, tags: ['receipts'] }, { idempotencyKey: 'r-1' }),
    ).toEqual(sent);
    await expect.poll(async () => (await client.messages.get(sent.id)).recipients[0]?.status).toBe('delivered');
    schemas.messageStatusSchema.parse(await client.messages.get(sent.id));
    expect((await client.messages.list({ limit: 5 })).messages.map((m) => m.id)).toEqual([sent.id]);

    const batch = await client.messages.sendBatch({
      from: c.from,
      subject: 'Hi',
      text: 'hello',
      recipients: [{ to: `a@${sinkDomain(h)}` }, { to: `b@${sinkDomain(h)}` }],
    });
    expect(schemas.batchAcceptedSchema.parse(batch).messages).toHaveLength(2);

    await client.suppressions.add('Nobody@Example.com');
    expect((await client.suppressions.list()).suppressions.map((s) => s.address)).toEqual(['nobody@example.com']);
    await client.suppressions.remove('nobody@example.com');
    expect((await client.suppressions.list()).suppressions).toEqual([]);

    const hook = await client.webhooks.create({ url: 'http://127.0.0.1:9/hook' });
    expect(schemas.webhookCreatedSchema.parse(hook).events).toEqual(['accepted', 'delivered', 'deferred', 'bounced', 'failed', 'suppressed']);
    expect((await client.webhooks.update(hook.id, { enabled: false })).enabled).toBe(false);
    expect((await client.webhooks.list()).webhooks).toHaveLength(1);
    schemas.webhookDeliveriesSchema.parse(await client.webhooks.deliveries(hook.id));
    await client.webhooks.delete(hook.id);

    const stats = schemas.statsSchema.parse(await client.stats());
    expect(stats.days.find((d) => d.tag === 'receipts')).toMatchObject({ accepted: 1, delivered: 1 });

    const error = await client.messages.send({ from: c.from, to: 'not-an-address', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SealpostApiError);
    expect(error).toMatchObject({ status: 400, code: 'BAD_INPUT', issues: [{ path: 'to' }] });
    await client.templates.delete('receipt');
    await expect(client.templates.get('receipt')).rejects.toMatchObject({ status: 404 });
  });

  it('serves an OpenAPI 3.1 document that a validator accepts and that names an operation for every client method', async () => {
    const doc = await (await fetch(`${p.url}/api/v1/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
    const operations = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((ops) =>
      Object.values(ops).map((o) => o.operationId),
    );
    for (const id of [
      'postMessages',
      'postMessagesBatch',
      'getMessagesId',
      'postMessagesIdCancel',
      'postTemplatesIdPreview',
      'getWebhooksIdDeliveries',
      'getStats',
      'deleteSuppressionsAddress',
    ]) {
      expect(operations).toContain(id);
    }
    expect(doc.components.schemas.SendMessage.required).toEqual(expect.arrayContaining(['from', 'to']));
  });
});
