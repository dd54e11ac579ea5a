import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CompactRange, consistencyProof, inclusionProof, leafHash, merkleRoot, rootFromLeafHashes, verifyConsistency, verifyInclusion } from './merkle';

const VECTORS = join(__dirname, '../../test/fixtures/merkle-vectors');
const b64 = (value: string | null | undefined) => Buffer.from(value ?? '', 'base64');

function vectorFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? vectorFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}
const vectors = <T>(kind: string) =>
  vectorFiles(join(VECTORS, kind)).map((file) => [file.slice(VECTORS.length + 1), JSON.parse(readFileSync(file, 'utf8')) as T] as const);

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}

const inclusion = vectors<InclusionVector>('inclusion');
const consistency = vectors<ConsistencyVector>('consistency');

describe('RFC 9162 proofs against the transparency-dev/merkle test vectors', () => {
  it('has the vectors at hand', () => {
    expect(inclusion.length).toBeGreaterThan(50);
    expect(consistency.length).toBeGreaterThan(50);
  });

  it.each(inclusion)('inclusion %s: accepted exactly when it should be', (_file, v) => {
    expect(verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root))).toBe(!v.wantErr);
  });

  it.each(consistency)('consistency %s: accepted exactly when it should be', (_file, v) => {
    expect(verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64))).toBe(!v.wantErr);
  });
});

// The eight entries of Certificate Transparency's reference tree, from which the vectors' happy paths are drawn.
const ENTRIES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) =>
  Buffer.from(hex, 'hex'),
);

describe('proof generation', () => {
  const leaves = ENTRIES.map(leafHash);

  it('gives the very proofs of the happy-path vectors for the reference tree', () => {
    const happy = inclusion.filter(([file, v]) => file.endsWith('happy-path.json') && v.treeSize <= 8);
    expect(happy.length).toBeGreaterThan(0);
    for (const [, v] of happy) {
      expect(inclusionProof(leaves, v.leafIdx, v.treeSize).map((h) => h.toString('base64'))).toEqual(v.proof ?? []);
      expect(merkleRoot(ENTRIES.slice(0, v.treeSize)).toString('base64')).toBe(v.root);
    }
    const happyConsistency = consistency.filter(([file, v]) => file.endsWith('happy-path.json') && v.size2 <= 8);
    expect(happyConsistency.length).toBeGreaterThan(0);
    for (const [, v] of happyConsistency) {
      expect(consistencyProof(leaves, v.size1, v.size2).map((h) => h.toString('base64'))).toEqual(v.proof ?? []);
    }
  });

  it('proves every leaf of every tree up to 70 leaves, and nothing else', () => {
    const many = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from([i])));
    for (let size = 1; size <= many.length; size++) {
      const root = rootFromLeafHashes(many.slice(0, size));
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(many, index, size);
        expect(verifyInclusion(index, size, many[index], proof, root)).toBe(true);
        if (size > 1) expect(verifyInclusion(index, size, many[(index + 1) % size], proof, root)).toBe(false);
      }
    }
  });

  it('proves every older tree a prefix of every newer one up to 70 leaves, and a changed one not', () => {
    const many = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from([i])));
    const changed = [...many];
    changed[0] = leafHash(Buffer.from('changed'));
    for (let to = 1; to <= many.length; to++) {
      const toRoot = rootFromLeafHashes(many.slice(0, to));
      for (let from = 1; from <= to; from++) {
        const proof = consistencyProof(many, from, to);
        expect(verifyConsistency(from, to, rootFromLeafHashes(many.slice(0, from)), toRoot, proof)).toBe(true);
        expect(verifyConsistency(from, to, rootFromLeafHashes(changed.slice(0, from)), toRoot, proof)).toBe(false);
      }
    }
  });
});

describe('compact ranges', () => {
  it('give the RFC 9162 root however the leaves are cut into consecutive runs', () => {
    const many = Array.from({ length: 45 }, (_, i) => leafHash(Buffer.from([i, 7])));
    for (const cuts of [[], [1], [3, 8], [5, 6, 7, 30], [16], [17, 32, 33], [2, 4, 8, 16, 32], [44]]) {
      const bounds = [0, ...cuts, many.length];
      const ranges = bounds.slice(1).map((end, i) => {
        const range = new CompactRange(bounds[i]);
        for (let at = bounds[i]; at < end; at++) range.appendLeaf(many[at]);
        return range;
      });
      const whole = ranges[0];
      for (const range of ranges.slice(1)) expect(whole.join(range)).toBe(true);
      expect([cuts, whole.root().toString('hex')]).toEqual([cuts, rootFromLeafHashes(many).toString('hex')]);
    }
  });

  it('refuses to join a range that does not start where the other ends', () => {
    const a = new CompactRange(0);
    a.appendLeaf(leafHash(Buffer.from('a')));
    expect(a.join(new CompactRange(2))).toBe(false);
    expect(a.end).toBe(1);
  });
});
