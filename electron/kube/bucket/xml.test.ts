import { describe, expect, it } from 'vitest';
import { networkErrorToApiError, s3ErrorToApiError } from './s3-client.js';
import { parseListObjectsV2, parseS3Error } from './xml.js';

const LIST = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>proteinbenchmark-jm-bucket</Name><Prefix>results/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents>
    <Key>results/gb3/setup/a&amp;b &lt;1&gt;.pdb</Key>
    <LastModified>2024-05-01T12:00:00.000Z</LastModified>
    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>
    <Size>1234</Size><StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>results/gb3/replica-1/big.dcd</Key>
    <LastModified>2024-05-02T00:00:01.000Z</LastModified>
    <ETag>"d41d8cd98f00b204e9800998ecf8427e-3"</ETag>
    <Size>20971520</Size>
  </Contents>
  <CommonPrefixes><Prefix>results/gb3/window-00/</Prefix></CommonPrefixes>
</ListBucketResult>`;

describe('ListObjectsV2 XML', () => {
  it('reads keys (entities decoded), sizes, times, ETags and the continuation token', () => {
    const page = parseListObjectsV2(LIST);
    expect(page.isTruncated).toBe(true);
    expect(page.nextContinuationToken).toBe('1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=');
    expect(page.objects).toEqual([
      { key: 'results/gb3/setup/a&b <1>.pdb', size: 1234, lastModified: new Date('2024-05-01T12:00:00.000Z'), etag: '9b2cf535f27731c974343645a3985328' },
      { key: 'results/gb3/replica-1/big.dcd', size: 20971520, lastModified: new Date('2024-05-02T00:00:01.000Z'), etag: 'd41d8cd98f00b204e9800998ecf8427e-3' },
    ]);
    expect(page.commonPrefixes).toEqual(['results/gb3/window-00/']);
  });
  it('reads an empty last page', () => {
    const page = parseListObjectsV2('<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>');
    expect(page).toEqual({ objects: [], commonPrefixes: [], isTruncated: false });
  });
});

const remote = { name: 'nrp', endpoint: 'https://s3-west.nrp-nautilus.io', region: 'us-east-1' };

describe('S3 errors', () => {
  it('parses the <Error> document and drops what it echoes of the credentials', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><AWSAccessKeyId>AKIDLAPTOP</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256...</StringToSign><RequestId>4442587FB7D0A2F9</RequestId></Error>`;
    const body = parseS3Error(xml);
    expect(body).toEqual({ code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match', requestId: '4442587FB7D0A2F9' });
    const err = s3ErrorToApiError(403, body, remote, { op: 'list', bucket: 'b' });
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toMatch(/check the access key \/ secret and the region/);
    expect(JSON.stringify(err.toJSON())).not.toContain('AKIDLAPTOP');
    expect(parseS3Error('<html>bad gateway</html>')).toBeNull();
  });
  it('maps the codes a researcher meets to actionable messages', () => {
    const denied = s3ErrorToApiError(403, { code: 'AccessDenied', message: 'Access Denied' }, remote, { op: 'read', bucket: 'proteinbenchmark-jm-bucket', key: 'results/x' });
    expect(denied.code).toBe('FORBIDDEN');
    expect(denied.message).toMatch(/^The credentials of remote nrp cannot read bucket proteinbenchmark-jm-bucket/);
    expect(s3ErrorToApiError(403, { code: 'AccessDenied', message: '' }, remote, { op: 'write', bucket: 'b' }).message).toMatch(/cannot write to bucket b/);
    const nb = s3ErrorToApiError(404, { code: 'NoSuchBucket', message: '' }, remote, { op: 'list', bucket: 'typo' });
    expect(nb.code).toBe('NOT_FOUND');
    expect(nb.message).toMatch(/Bucket typo does not exist at https:\/\/s3-west.nrp-nautilus.io \(remote nrp\)/);
    const region = s3ErrorToApiError(400, { code: 'AuthorizationHeaderMalformed', message: '', region: 'eu-west-2' }, remote, { op: 'list', bucket: 'b' });
    expect(region.message).toMatch(/set "region = eu-west-2" on remote nrp/);
    expect(s3ErrorToApiError(503, { code: 'SlowDown', message: '' }, remote, { op: 'read', bucket: 'b' }).code).toBe('UNAVAILABLE');
    expect(s3ErrorToApiError(400, { code: 'Weird', message: 'odd' }, remote, { op: 'read', bucket: 'b' }).code).toBe('REMOTE_FAILED');
  });
  it('maps HEAD statuses without a body', () => {
    expect(s3ErrorToApiError(403, null, remote, { op: 'read', bucket: 'b', key: 'k' }).code).toBe('FORBIDDEN');
    expect(s3ErrorToApiError(404, null, remote, { op: 'read', bucket: 'b', key: 'k' }).message).toBe('s3://b/k does not exist.');
  });
  it('turns network failures into UNAVAILABLE naming the endpoint', () => {
    const err = networkErrorToApiError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), remote);
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/Cannot reach https:\/\/s3-west.nrp-nautilus.io \(remote nrp\): ECONNREFUSED/);
  });
});
