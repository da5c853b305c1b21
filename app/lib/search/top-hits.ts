/** A match before ranking: the excerpt is cut only for the hits that are shown. */
export interface RawHit {
  id: string;
  score: number;
  date: number;
  subject: string;
  from: string;
  text: string;
  /** The index terms it matched. */
  terms: string[];
}

/** Ranking order: higher score first, then newer, then by id (so equal hits always come out alike). */
export const ranksBefore = (a: RawHit, b: RawHit) => a.score > b.score || (a.score === b.score && (a.date > b.date || (a.date === b.date && a.id < b.id)));

/**
 * The best `limit` matches of any number of segments, kept in a bounded heap whose root is the
 * worst of them: a common word matches every message, and sorting them all to show a few hundred
 * is most of a query's work. Sort-then-slice and this keep the same hits in the same order, since
 * the order is total: a match that ranks after the root once `limit` are held can never be shown.
 */
export class TopHits {
  private readonly heap: RawHit[] = [];

  constructor(readonly limit: number) {}

  get size(): number {
    return this.heap.length;
  }

  /** False when a match with this score can't get in: the caller skips looking anything up for it. */
  mayTake(score: number): boolean {
    return this.heap.length < this.limit || (this.limit > 0 && score >= this.heap[0]!.score);
  }

  add(hit: RawHit): void {
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push(hit);
      this.up(heap.length - 1);
    } else if (this.limit > 0 && ranksBefore(hit, heap[0]!)) {
      heap[0] = hit;
      this.down(0);
    }
  }

  /** Best first. */
  ranked(): RawHit[] {
    return [...this.heap].sort((a, b) => (ranksBefore(a, b) ? -1 : ranksBefore(b, a) ? 1 : 0));
  }

  private up(at: number): void {
    const heap = this.heap;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!ranksBefore(heap[parent]!, heap[at]!)) break;
      [heap[parent], heap[at]] = [heap[at]!, heap[parent]!];
      at = parent;
    }
  }

  private down(at: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let worst = at;
      if (left < heap.length && ranksBefore(heap[worst]!, heap[left]!)) worst = left;
      if (right < heap.length && ranksBefore(heap[worst]!, heap[right]!)) worst = right;
      if (worst === at) return;
      [heap[worst], heap[at]] = [heap[at]!, heap[worst]!];
      at = worst;
    }
  }
}
