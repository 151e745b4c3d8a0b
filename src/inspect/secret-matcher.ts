/**
 * Finds every occurrence of a set of secrets in a text in one pass over it (Aho–Corasick), whatever their number
 * and length, and without compiling anything: a regular expression of many long alternatives costs ~100 ms to
 * rebuild, and its matching can backtrack over alternatives that share a long prefix.
 */

/** Transitions are kept in one map keyed by `node * CODE_UNITS + code unit`, far smaller than a map per node. */
const CODE_UNITS = 0x10000;

export class SecretMatcher {
  private readonly edges = new Map<number, number>();
  /** Where to continue after a mismatch: the node of the longest proper suffix that is also a secret's prefix. */
  private readonly fail: Int32Array;
  /** Length of the longest secret ending at this node (its own, or one along its fail links); 0 if none. */
  private readonly longest: Int32Array;

  constructor(secrets: Iterable<string>) {
    const children: Array<Array<[number, number]>> = [[]];
    const own: number[] = [0];
    for (const secret of secrets) {
      let node = 0;
      for (let i = 0; i < secret.length; i++) {
        const key = node * CODE_UNITS + secret.charCodeAt(i);
        let next = this.edges.get(key);
        if (next === undefined) {
          next = children.length;
          children.push([]);
          own.push(0);
          this.edges.set(key, next);
          children[node]!.push([secret.charCodeAt(i), next]);
        }
        node = next;
      }
      own[node] = secret.length;
    }
    this.fail = new Int32Array(children.length);
    this.longest = new Int32Array(children.length);
    // Breadth first, so that a node's fail link is complete before its children's are computed.
    const queue = children[0]!.map(([, child]) => child);
    for (const child of queue) this.longest[child] = own[child]!;
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const [unit, child] of children[node]!) {
        this.fail[child] = this.step(this.fail[node]!, unit);
        this.longest[child] = own[child] || this.longest[this.fail[child]!]!;
        queue.push(child);
      }
    }
  }

  /** The text with each run of characters covered by secrets replaced by `mask`. */
  replace(text: string, mask: string): string {
    // Runs found so far as [start, end) pairs, merged as they come: each ends later than the ones before it.
    const runs: number[] = [];
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      node = this.step(node, text.charCodeAt(i));
      const length = this.longest[node]!;
      if (length === 0) continue;
      let start = i + 1 - length;
      while (runs.length > 0 && start <= runs[runs.length - 1]!) {
        runs.pop();
        start = Math.min(start, runs.pop()!);
      }
      runs.push(start, i + 1);
    }
    if (runs.length === 0) return text;
    let out = '';
    let copied = 0;
    for (let r = 0; r < runs.length; r += 2) {
      out += text.slice(copied, runs[r]) + mask;
      copied = runs[r + 1]!;
    }
    return out + text.slice(copied);
  }

  private step(from: number, unit: number): number {
    let node = from;
    for (;;) {
      const next = this.edges.get(node * CODE_UNITS + unit);
      if (next !== undefined) return next;
      if (node === 0) return 0;
      node = this.fail[node]!;
    }
  }
}
