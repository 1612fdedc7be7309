// Key pairs for tests. ssh2's generateKeyPairSync('ed25519') strips leading zero bytes from the public key, so
// about 1 key in 256 cannot be parsed back ("Malformed OpenSSH public/private key", mscdex/ssh2#1513). Tests
// that generate keys use this instead, so they do not fail at random.
import { utils } from 'ssh2';

export function testKeyPair(type: 'ed25519' | 'ecdsa' = 'ed25519'): { private: string; public: string } {
  for (let i = 0; i < 50; i++) {
    const pair = type === 'ecdsa' ? utils.generateKeyPairSync('ecdsa', { bits: 256 }) : utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
  throw new Error(`could not generate a parseable ${type} key pair`);
}
