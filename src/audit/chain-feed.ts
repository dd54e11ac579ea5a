import type { ChainItem } from './audit.store';
import type { ChainVerifier } from './chain-verifier';
import type { CheckpointVerifier, Leaf } from './checkpoint';

/** What went by while the verifiers were fed. */
export interface FedItems {
  /** Leaves of the log: every link and every event of an intact stream. */
  leaves: number;
  /** How many streams came whole (as an IntactStream) rather than link by link. */
  intactStreams: number;
}

/**
 * Feeds the chain items (AuditStore.chainItems, or the plain link batches of
 * AuditStore.linkBatches) to the chain verifier and the checkpoint verifier, in the order they
 * come. verify and the tests that compare both sources go through this one loop, so what the
 * tests check is what verify does. A checkpoint being built (`builder`) gets every leaf too,
 * one at a time. Both are settled (their Merkle subtrees hashed on another thread are in); the
 * caller finishes them.
 */
export async function feedVerifiers(
  items: AsyncIterable<ChainItem>,
  chains: ChainVerifier,
  checkpoints: CheckpointVerifier,
  builder?: { add(leaf: Leaf): void; settle(): Promise<void> },
): Promise<FedItems> {
  const fed: FedItems = { leaves: 0, intactStreams: 0 };
  for await (const item of items) {
    if (Array.isArray(item)) {
      for (const { link, leaf } of item) {
        chains.add(link);
        checkpoints.add(leaf);
        builder?.add(leaf);
      }
      fed.leaves += item.length;
    } else {
      chains.addIntact(item.stream, item.events, item.hashes[item.events - 1]);
      checkpoints.addStream(item.stream, item.hashes);
      if (builder) item.hashes.forEach((hash, i) => builder.add({ stream: item.stream, version: i + 1, hash }));
      fed.leaves += item.events;
      fed.intactStreams++;
    }
  }
  await checkpoints.settle();
  await builder?.settle();
  return fed;
}
