import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectFile } from '../common/project-file';
import { CompactRange, leafHash, leafHashOfHex } from './merkle';

/**
 * The height of the subtrees handed to the other thread: 2^9 = 512 leaves each. Each batch of a
 * log-order tree fills one such run at a time, so a log with many checkpoints holds one 16 KB
 * buffer per checkpoint while the leaves go by.
 */
export const SUBTREE_LEVEL = 9;

/** The worker's file: beside this module (sources, `nest build` copies it as an asset), else in the sources (a plain tsc build such as the benchmark's). */
function workerFile(): string {
  const beside = join(__dirname, 'subtree-worker.js');
  return existsSync(beside) ? beside : projectFile(join('src', 'audit', 'subtree-worker.js'));
}

/**
 * Hashes perfect subtrees of the log on a worker thread (subtree-worker.js), so that the Merkle
 * tree of verify and of a checkpoint is computed beside the reading and the chain check instead
 * of after them: on the benchmark's log of 1.3 million events, 2.6 million SHA-256 calls took
 * about 2.7 s of the one thread. The thread starts with the first subtree (a small log never
 * starts it) and ends with `close`.
 */
export class SubtreeHasher {
  /** How many leaves a subtree holds. */
  readonly leaves: number;
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { resolve: (root: Buffer) => void; reject: (error: Error) => void }>();
  private next = 0;

  /** Subtrees of 2^level leaves (the tests take small ones, so that a small log goes through the thread too). */
  constructor(readonly level: number = SUBTREE_LEVEL) {
    this.leaves = 2 ** level;
  }

  /** The root of the perfect subtree over `leaves` entries (32 bytes each; those marked in `prehashed` are leaf hashes already). Both buffers are handed over. */
  root(entries: Uint8Array, prehashed: Uint8Array): Promise<Buffer> {
    const worker = this.start();
    const id = this.next++;
    const root = new Promise<Buffer>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    // Awaited only when the tree is settled: a failure before that is not an unhandled one.
    root.catch(() => undefined);
    worker.postMessage({ id, entries, prehashed }, [entries.buffer as ArrayBuffer, prehashed.buffer as ArrayBuffer]);
    return root;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile());
    worker.on('message', ({ id, root }: { id: number; root: Uint8Array }) => {
      this.waiting.get(id)?.resolve(Buffer.from(root.buffer, root.byteOffset, root.byteLength));
      this.waiting.delete(id);
    });
    const fail = (error: Error) => {
      for (const { reject } of this.waiting.values()) reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The Merkle worker thread ended (exit code ${code}) with subtrees outstanding.`)));
    this.worker = worker;
    return worker;
  }
}

/** Runs `work` with a SubtreeHasher and ends its thread afterwards, whatever happened. */
export async function withSubtreeHasher<T>(work: (hasher: SubtreeHasher) => Promise<T>, level: number = SUBTREE_LEVEL): Promise<T> {
  const hasher = new SubtreeHasher(level);
  try {
    return await work(hasher);
  } finally {
    await hasher.close();
  }
}

/**
 * A compact range (a batch of a log-order tree) whose leaves, from the first place that is a
 * multiple of the hasher's subtree size on, are gathered into runs of that size that its thread
 * turns into subtree roots while the leaves go on arriving. The leaves before that place and those
 * of the last run, not full, are hashed here. Without a hasher every leaf is hashed here at once.
 * `settle` joins the roots in order; only a settled range gives its compact range.
 */
export class SubtreeRange {
  private readonly range: CompactRange;
  /** The subtree roots since the first full run, in order. */
  private readonly roots: Array<Promise<Buffer>> = [];
  private run: { entries: Buffer; prehashed: Uint8Array; filled: number } | null = null;
  /** Whether leaves go to the hasher: from the first place that is a multiple of its subtree size on. */
  private gathering = false;

  constructor(
    begin: number,
    private readonly hasher: SubtreeHasher | null,
  ) {
    this.range = new CompactRange(begin);
  }

  /** Appends the next leaf, by its entry: the event hash in hex. */
  appendHex(hex: string): void {
    const hasher = this.hasher;
    if (!this.gathering) {
      if (hasher === null || this.range.end % hasher.leaves !== 0) return this.range.appendLeaf(leafHashOfHex(hex));
      this.gathering = true;
    }
    const run = (this.run ??= { entries: Buffer.from(new ArrayBuffer(hasher!.leaves * 32)), prehashed: new Uint8Array(hasher!.leaves), filled: 0 });
    const at = run.filled * 32;
    // An entry that is not 32 bytes of hex (a stored hash that was changed) is hashed here, as leafHashOfHex hashes it.
    if (hex.length !== 64 || run.entries.write(hex, at, 'hex') !== 32) {
      leafHashOfHex(hex).copy(run.entries, at);
      run.prehashed[run.filled] = 1;
    }
    if (++run.filled < hasher!.leaves) return;
    this.roots.push(hasher!.root(run.entries, run.prehashed));
    this.run = null;
  }

  /** Whether every leaf appended is in the compact range. */
  get settled(): boolean {
    return this.roots.length === 0 && this.run === null;
  }

  /** Waits for the subtree roots and joins them, then the leaves of the last run. */
  async settle(): Promise<void> {
    for (const root of this.roots.splice(0)) this.range.appendSubtree(this.hasher!.level, await root);
    const run = this.run;
    this.run = null;
    // Appended leaves past the last run (there are none in a tree) would start gathering again where the range then ends.
    this.gathering = false;
    for (let i = 0; i < (run?.filled ?? 0); i++) {
      const entry = run!.entries.subarray(i * 32, i * 32 + 32);
      this.range.appendLeaf(run!.prehashed[i] === 1 ? Buffer.from(entry) : leafHash(entry));
    }
  }

  /** The compact range of every leaf appended; the range must be settled. */
  compact(): CompactRange {
    if (!this.settled) throw new Error('Merkle subtrees still outstanding: settle() the range first');
    return this.range;
  }
}
