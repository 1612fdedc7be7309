// Just enough XML for S3 responses (ListObjectsV2, multipart, errors): flat elements, entity decoding.
// S3 responses are generated, never hand-written, and their elements of interest do not nest in themselves.

export function decodeXmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    switch (e) {
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      default: return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Raw inner XML of every <tag>…</tag> (attributes allowed, namespace prefixes not). */
export function xmlBlocks(xml: string, tag: string): string[] {
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>|<${tag}(?:\\s[^>]*)?/>`, 'g');
  const out: string[] = [];
  for (const m of xml.matchAll(re)) out.push(m[1] ?? '');
  return out;
}

/** Decoded text of the first <tag>, or undefined. */
export function xmlText(xml: string, tag: string): string | undefined {
  const b = xmlBlocks(xml, tag)[0];
  return b === undefined ? undefined : decodeXmlEntities(b.replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, '$1'));
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
  /** Without the surrounding quotes. */
  etag: string;
}

export interface ListPage {
  objects: ListedObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextContinuationToken?: string;
}

export function stripEtagQuotes(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export function parseListObjectsV2(xml: string): ListPage {
  const objects = xmlBlocks(xml, 'Contents').map((c) => {
    const key = xmlText(c, 'Key') ?? '';
    const lastModified = new Date(xmlText(c, 'LastModified') ?? '');
    return {
      key,
      size: Number(xmlText(c, 'Size') ?? '0'),
      lastModified,
      etag: stripEtagQuotes(xmlText(c, 'ETag') ?? ''),
    };
  });
  const commonPrefixes = xmlBlocks(xml, 'CommonPrefixes').map((c) => xmlText(c, 'Prefix') ?? '');
  const isTruncated = (xmlText(xml, 'IsTruncated') ?? 'false').trim() === 'true';
  const token = xmlText(xml, 'NextContinuationToken');
  return { objects, commonPrefixes, isTruncated, ...(token ? { nextContinuationToken: token } : {}) };
}

export interface S3ErrorBody {
  code: string;
  message: string;
  requestId?: string;
  /** Region the bucket is in (PermanentRedirect / AuthorizationHeaderMalformed). */
  region?: string;
  endpoint?: string;
}

/** The <Error> document S3 returns; null when the body is not one. Credentials it echoes are dropped. */
export function parseS3Error(xml: string): S3ErrorBody | null {
  const block = xmlBlocks(xml, 'Error')[0];
  if (block === undefined) return null;
  const code = xmlText(block, 'Code');
  if (!code) return null;
  const requestId = xmlText(block, 'RequestId');
  const region = xmlText(block, 'Region');
  const endpoint = xmlText(block, 'Endpoint');
  return {
    code,
    message: xmlText(block, 'Message') ?? '',
    ...(requestId ? { requestId } : {}),
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}
