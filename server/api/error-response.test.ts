import { describe, expect, it } from 'vitest';
import { AppError, type AppErrorCode, errorTable } from '../errors';
import { payloadTooLarge, tooManyCalls } from './body-limit';
import { appErrorResponse, appErrorText, trpcErrorResponse } from './error-response';

const codes = Object.keys(errorTable) as AppErrorCode[];

describe('route handler error responses', () => {
  it.each(codes)('answer %s with the status of the error table', async (code) => {
    const json = appErrorResponse(new AppError(code, 'why'));
    expect(json.status).toBe(errorTable[code].http);
    expect(await json.json()).toEqual({ error: { code, message: 'why' } });
    const text = appErrorText(new AppError(code, 'why'));
    expect(text.status).toBe(errorTable[code].http);
    expect(await text.text()).toBe('why\n');
  });

  it("give tRPC's shape and code, one per call of a batch", async () => {
    const single = trpcErrorResponse(new AppError('FORBIDDEN', 'not from here'));
    expect(single.status).toBe(403);
    expect(await single.json()).toEqual({
      error: { message: 'not from here', code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403, appCode: 'FORBIDDEN' } },
    });
    const batch = await trpcErrorResponse(new AppError('THROTTLED', 'slow down'), 3).json();
    expect(batch).toHaveLength(3);
    expect(batch[2].error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
  });

  it('size and batch refusals go through the same table', async () => {
    const tooLarge = payloadTooLarge(16 * 1024);
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).error).toMatchObject({ code: -32013, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } });
    const tooMany = tooManyCalls(51);
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error).toMatchObject({ code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } });
  });
});
