// @ts-check
'use strict';
/**
 * The thread behind SubtreeHasher (subtree-hasher.ts): the Merkle Tree Hash of RFC 9162 over one
 * perfect subtree of the log, from its entries (the 32-byte event hashes, or where marked the
 * leaf hash already computed), while verify and the checkpoint go on reading the log. Plain
 * JavaScript: a worker thread loads its file with Node alone, from the sources under jest too.
 * The prefixes are merkle.ts's: 0x00 before a leaf's entry, 0x01 before an inner node's children.
 */
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');

const leafInput = Buffer.alloc(33, 0x00);
const nodeInput = Buffer.alloc(65, 0x01);

/** @param {{ id: number, entries: Uint8Array, prehashed: Uint8Array }} message */
function subtreeRoot({ id, entries, prehashed }) {
  // The level being hashed, in place: the leaf hashes first, then each level up in the first half of the one below.
  const nodes = Buffer.from(entries.buffer, entries.byteOffset, entries.byteLength);
  for (let i = 0; i < prehashed.length; i++) {
    if (prehashed[i] === 1) continue;
    leafInput.set(nodes.subarray(i * 32, i * 32 + 32), 1);
    nodes.set(hash('sha256', leafInput, 'buffer'), i * 32);
  }
  for (let width = prehashed.length; width > 1; width /= 2) {
    for (let i = 0; i < width / 2; i++) {
      nodeInput.set(nodes.subarray(i * 64, i * 64 + 64), 1);
      nodes.set(hash('sha256', nodeInput, 'buffer'), i * 32);
    }
  }
  // A copy of its own: a view would take the whole buffer along.
  return { id, root: new Uint8Array(nodes.subarray(0, 32)) };
}

parentPort?.on('message', (message) => parentPort?.postMessage(subtreeRoot(message)));
