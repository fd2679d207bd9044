// The administration's decentralized identifier under the did:web method: derived from the address
// at which the public reaches Cordon, resolved by fetching a DID document from that host. Pure.
import type { JWK } from 'jose';

export interface DidDocument {
  '@context': string[];
  id: string;
  verificationMethod: Array<{ id: string; type: 'JsonWebKey'; controller: string; publicKeyJwk: JWK }>;
  assertionMethod: string[];
}

/**
 * did:web of an http(s) address: the host, its port with the colon percent-encoded, then each path
 * segment after a colon ("https://customs.example:8443/zones/a" → did:web:customs.example%3A8443:zones:a).
 */
export function didWebFromUrl(address: string): string {
  const url = new URL(address);
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const segments = url.pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => segment.replaceAll(':', '%3A'));
  return ['did', 'web', host, ...segments].join(':');
}

/**
 * The paths at which this server answers with its DID document: /.well-known/did.json for a DID of
 * a bare host, and <path>/did.json for one with path segments, where did:web resolvers look for it.
 */
export function didDocumentPaths(address: string): string[] {
  const path = new URL(address).pathname.replace(/\/+$/, '');
  return path === '' ? ['/.well-known/did.json'] : ['/.well-known/did.json', `${path}/did.json`];
}

/** The DID URL of a key in the document: the JOSE `kid` of what that key signs. */
export function verificationMethodId(did: string, keyId: string): string {
  return `${did}#${keyId}`;
}

/** The DID document: one JsonWebKey verification method, which may assert (sign) credentials. */
export function buildDidDocument(did: string, publicJwk: JWK, keyId: string): DidDocument {
  const methodId = verificationMethodId(did, keyId);
  const { kty, crv, x, y } = publicJwk;
  return {
    // The DID v1.1 context defines the JsonWebKey verification method type that VC-JOSE-COSE asks for.
    '@context': ['https://www.w3.org/ns/did/v1.1'],
    id: did,
    verificationMethod: [
      {
        id: methodId,
        type: 'JsonWebKey',
        controller: did,
        publicKeyJwk: { kty, crv, x, ...(y ? { y } : {}), kid: keyId },
      },
    ],
    assertionMethod: [methodId],
  };
}
