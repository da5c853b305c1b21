import { describe, expect, it } from 'vitest';
import { type DockedCompose, closeWindow, expandedRoom, fitToRoom, minimiseWindow, openWindow, restoreWindow } from './compose-dock';
import { emptyCompose } from './compose-model';

const entry = (key: number) => ({ key, title: `Message ${key}`, initial: emptyCompose('me@localhost') });
const shape = (windows: DockedCompose[]) => windows.map((w) => [w.key, w.minimised ? 'min' : 'open']);

describe('compose dock', () => {
  it('room: one on a phone, as many 30rem windows as fit on a wider screen, never more than three', () => {
    expect([390, 767, 768, 1000, 1280, 1600, 3000].map(expandedRoom)).toEqual([1, 1, 1, 2, 2, 3, 3]);
  });

  it('opening never drops a window: past the room, the oldest expanded one is minimised', () => {
    let dock = openWindow([], entry(1), 2);
    dock = openWindow(dock, entry(2), 2);
    expect(shape(dock)).toEqual([
      [1, 'open'],
      [2, 'open'],
    ]);
    dock = openWindow(dock, entry(3), 2);
    expect(shape(dock)).toEqual([
      [1, 'min'],
      [2, 'open'],
      [3, 'open'],
    ]);
  });

  it('restoring one minimises the oldest other expanded window only when there is no room', () => {
    let dock = [1, 2, 3].reduce((d, k) => openWindow(d, entry(k), 2), [] as DockedCompose[]);
    dock = restoreWindow(dock, 1, 2);
    expect(shape(dock)).toEqual([
      [1, 'open'],
      [2, 'min'],
      [3, 'open'],
    ]);
    dock = minimiseWindow(dock, 3);
    dock = restoreWindow(dock, 2, 2);
    expect(shape(dock)).toEqual([
      [1, 'open'],
      [2, 'open'],
      [3, 'min'],
    ]);
  });

  it('closing removes just that window; a narrower screen keeps the newest expanded', () => {
    let dock = [1, 2, 3].reduce((d, k) => openWindow(d, entry(k), 3), [] as DockedCompose[]);
    dock = closeWindow(dock, 2);
    expect(shape(dock)).toEqual([
      [1, 'open'],
      [3, 'open'],
    ]);
    expect(shape(fitToRoom(dock, 1))).toEqual([
      [1, 'min'],
      [3, 'open'],
    ]);
  });
});
