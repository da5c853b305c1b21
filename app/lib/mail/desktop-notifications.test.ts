import { describe, expect, it } from 'vitest';
import { arrivalsSince, latestReceived, notificationText } from './desktop-notifications';

const item = (receivedAt: string, seen = false) => ({ receivedAt, seen });

describe('desktop notifications', () => {
  it('counts only unread mail that arrived after the last notification', () => {
    const items = [item('2026-12-03T10:05:00Z'), item('2026-12-03T10:04:00Z', true), item('2026-12-03T10:00:00Z')];
    expect(arrivalsSince(items, '2026-12-03T10:01:00Z')).toEqual([items[0]]);
    expect(arrivalsSince(items, null)).toEqual([items[0], items[2]]);
    expect(latestReceived(items, '2026-12-03T10:01:00Z')).toBe('2026-12-03T10:05:00Z');
    expect(latestReceived([], '2026-12-03T10:01:00Z')).toBe('2026-12-03T10:01:00Z');
  });

  it('says nothing about the message unless the user opted into sender and subject', () => {
    expect(notificationText(1, null)).toEqual({ title: 'Sealpost', body: 'New mail' });
    expect(notificationText(3, null)).toEqual({ title: 'Sealpost', body: '3 new messages' });
    expect(notificationText(2, { sender: 'Dave', subject: 'Lunch?' })).toEqual({ title: 'Dave', body: 'Lunch? (and 1 more)' });
  });
});
