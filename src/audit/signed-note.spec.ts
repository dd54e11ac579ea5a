import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { checkpointNoteText, noteVerifierKey, openNote, parseCheckpointNoteText, parseNoteVerifierKey, signNote } from './signed-note';

// The reference note of Go's golang.org/x/mod/sumdb/note (the format C2SP signed-note writes down):
// its verifier key, its signer key's seed (after the type byte), its text and its signature line.
const PETER = {
  verifierKey: 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  seed: Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1),
  text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
  signature: '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
};
const peterPrivate = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), PETER.seed]),
  format: 'der',
  type: 'pkcs8',
});

describe('C2SP signed notes', () => {
  it('signs the Go reference note byte for byte and derives its verifier key', () => {
    expect(signNote(PETER.text, 'PeterNeumann', peterPrivate)).toBe(`${PETER.text}\n${PETER.signature}`);
    expect(noteVerifierKey('PeterNeumann', createPublicKey(peterPrivate))).toBe(PETER.verifierKey);
  });

  it('opens the reference note with the verifier key, and refuses it changed', () => {
    const { name, publicKey } = parseNoteVerifierKey(PETER.verifierKey);
    expect(openNote(`${PETER.text}\n${PETER.signature}`, name, publicKey)).toEqual({ ok: true, text: PETER.text });
    const changed = openNote(`${PETER.text.replace('answer', 'Antwort')}\n${PETER.signature}`, name, publicKey);
    expect(changed.ok).toBe(false);
  });

  it('ignores signatures of other keys and refuses a note the trusted key did not sign', () => {
    const other = generateKeyPairSync('ed25519');
    const note = signNote(PETER.text, 'Someone', other.privateKey);
    const { name, publicKey } = parseNoteVerifierKey(PETER.verifierKey);
    expect(openNote(note, name, publicKey)).toEqual({ ok: false, reason: 'Die Notiz trägt keine Signatur des Schlüssels PeterNeumann.' });
  });

  it('reads a verifier key whose base64 part holds a plus sign', () => {
    // A key of the tests of transparency-dev/formats (note/note_cosigv1_test.go).
    expect(parseNoteVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').name).toBe('TEST');
  });

  it('refuses a verifier key whose key ID does not match', () => {
    expect(() => parseNoteVerifierKey(PETER.verifierKey.replace('c74f20a3', 'c74f20a4'))).toThrow('Kennung');
  });

  it('writes and reads the tlog-checkpoint body: origin, size, base64 root', () => {
    const root = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';
    const text = checkpointNoteText('example.org/log', 8, root);
    expect(text).toBe('example.org/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n');
    expect(parseCheckpointNoteText(text)).toEqual({ origin: 'example.org/log', treeSize: 8, rootHash: root, extensions: [] });
    expect(parseCheckpointNoteText('example.org/log\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n')).toBeNull();
  });
});
