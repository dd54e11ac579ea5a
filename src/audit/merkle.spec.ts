import { createHash } from 'node:crypto';
import { MerkleAccumulator, leafHash, merkleRoot, nodeHash, rootFromLeafHashes, splitPoint } from './merkle';

// The eight test entries of Certificate Transparency's reference implementation and the tree
// heads they give for sizes 0 to 8 (the same in RFC 6962 and RFC 9162 test suites).
const ENTRIES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (hex) => Buffer.from(hex, 'hex'),
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 9162 Merkle tree hash', () => {
  it.each(ROOTS.map((root, size) => [size, root]))('gives the reference root for a tree of %i entries', (size, root) => {
    expect(merkleRoot(ENTRIES.slice(0, size as number)).toString('hex')).toBe(root);
  });

  it('computed while the entries arrive, gives the same root as the recursive definition for every size up to 70', () => {
    const accumulator = new MerkleAccumulator();
    const entries: Buffer[] = [];
    for (let size = 0; size <= 70; size++) {
      expect(accumulator.root().toString('hex')).toBe(rootFromLeafHashes(entries.map(leafHash)).toString('hex'));
      const entry = Buffer.from([size, size * 7]);
      entries.push(entry);
      accumulator.add(entry);
    }
  });

  it('prefixes leaves with 0x00 and inner nodes with 0x01', () => {
    expect(leafHash(Buffer.from('00', 'hex')).toString('hex')).toBe(
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    );
    const [a, b] = ENTRIES.slice(0, 2).map(leafHash);
    expect(nodeHash(a, b).toString('hex')).toBe(ROOTS[2]);
    expect(nodeHash(a, b)).not.toEqual(createHash('sha256').update(Buffer.concat([a, b])).digest());
  });

  it('splits at the largest power of two below n, not at the midpoint', () => {
    expect([2, 3, 4, 5, 6, 7, 8, 9, 17].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 4, 4, 8, 16]);
    // Five leaves: ((0 1)(2 3)) 4 — a midpoint split would pair differently and give another root.
    const leaves = ENTRIES.slice(0, 5).map(leafHash);
    const expected = nodeHash(nodeHash(nodeHash(leaves[0], leaves[1]), nodeHash(leaves[2], leaves[3])), leaves[4]);
    expect(rootFromLeafHashes(leaves)).toEqual(expected);
  });

  it('changes the root when one entry changes, goes missing or swaps places', () => {
    const root = merkleRoot(ENTRIES).toString('hex');
    const changed = [...ENTRIES];
    changed[3] = Buffer.from('2022', 'hex');
    const swapped = [...ENTRIES];
    [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
    expect(merkleRoot(changed).toString('hex')).not.toBe(root);
    expect(merkleRoot(ENTRIES.slice(0, 7)).toString('hex')).not.toBe(root);
    expect(merkleRoot(swapped).toString('hex')).not.toBe(root);
  });
});
