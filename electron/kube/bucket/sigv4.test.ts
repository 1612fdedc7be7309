import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, canonicalQuery, s3Address, sha256Hex, signRequest, uriEncode } from './sigv4.js';

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const date = new Date(Date.UTC(2013, 4, 24, 0, 0, 0));

describe('SigV4 (AWS published S3 examples)', () => {
  it('GET Object with a Range header', () => {
    const addr = s3Address('https://s3.amazonaws.com', 'examplebucket', 'test.txt', false);
    expect(addr.host).toBe('examplebucket.s3.amazonaws.com');
    expect(addr.path).toBe('/test.txt');
    const signed = signRequest({
      method: 'GET',
      host: addr.host,
      path: addr.path,
      headers: { Range: 'bytes=0-9' },
      payloadHash: EMPTY_SHA256,
      region: 'us-east-1',
      date,
      credentials: creds,
    });
    expect(signed.canonicalRequest).toBe(
      [
        'GET',
        '/test.txt',
        '',
        'host:examplebucket.s3.amazonaws.com',
        'range:bytes=0-9',
        `x-amz-content-sha256:${EMPTY_SHA256}`,
        'x-amz-date:20130524T000000Z',
        '',
        'host;range;x-amz-content-sha256;x-amz-date',
        EMPTY_SHA256,
      ].join('\n'),
    );
    expect(signed.signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(JSON.stringify(signed.headers)).not.toContain(creds.secretAccessKey);
  });

  it('PUT Object (x-amz-storage-class, payload hash of the body)', () => {
    const body = 'Welcome to Amazon S3.';
    const addr = s3Address('https://s3.amazonaws.com', 'examplebucket', 'test$file.text', false);
    expect(addr.path).toBe('/test%24file.text');
    const signed = signRequest({
      method: 'PUT',
      host: addr.host,
      path: addr.path,
      headers: { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
      payloadHash: sha256Hex(body),
      region: 'us-east-1',
      date,
      credentials: creds,
    });
    expect(signed.signature).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('GET Bucket lifecycle and list objects (query strings)', () => {
    const addr = s3Address('https://s3.amazonaws.com', 'examplebucket', null, false);
    const lifecycle = signRequest({
      method: 'GET', host: addr.host, path: addr.path, query: { lifecycle: '' },
      payloadHash: EMPTY_SHA256, region: 'us-east-1', date, credentials: creds,
    });
    expect(lifecycle.signature).toBe('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
    const list = signRequest({
      method: 'GET', host: addr.host, path: addr.path, query: { prefix: 'J', 'max-keys': '2' },
      payloadHash: EMPTY_SHA256, region: 'us-east-1', date, credentials: creds,
    });
    expect(list.canonicalRequest.split('\n')[2]).toBe('max-keys=2&prefix=J');
    expect(list.signature).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });

  it('adds the session token header and signs it', () => {
    const s = signRequest({
      method: 'GET', host: 'h', path: '/', payloadHash: EMPTY_SHA256, region: 'us-east-1', date,
      credentials: { ...creds, sessionToken: 'TOKEN' },
    });
    expect(s.headers['x-amz-security-token']).toBe('TOKEN');
    expect(s.canonicalRequest).toContain('x-amz-security-token:TOKEN');
    expect(s.headers.authorization).toContain('x-amz-security-token');
  });
});

describe('URI encoding and addresses', () => {
  it('encodes per RFC 3986 and keeps "/" in keys', () => {
    expect(uriEncode('a b/c+d~e*é')).toBe('a%20b%2Fc%2Bd~e%2A%C3%A9');
    expect(uriEncode('results/gb3 x/f(1).pdb', true)).toBe('results/gb3%20x/f%281%29.pdb');
    expect(canonicalQuery({ 'continuation-token': 'a/b=', 'list-type': '2', prefix: undefined })).toBe(
      'continuation-token=a%2Fb%3D&list-type=2',
    );
  });
  it('builds path-style addresses with a port', () => {
    const a = s3Address('http://127.0.0.1:9000', 'bucket', 'results/x y.txt', true);
    expect(a).toEqual({ origin: 'http://127.0.0.1:9000', host: '127.0.0.1:9000', path: '/bucket/results/x%20y.txt' });
    expect(s3Address('http://127.0.0.1:9000', 'bucket', null, true).path).toBe('/bucket');
    expect(() => s3Address('http://h', 'b', 'a/../b', true)).toThrow(/segment/);
  });
});
