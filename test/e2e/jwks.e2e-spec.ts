import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTenant, createTestApp } from '@test/support/test-app';

describe('JWT verified against a JWKS endpoint', () => {
  let app: NestFastifyApplication;
  let jwks: Server;
  let privateKey: KeyLike;
  let tenantId: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const publicJwk = {
      ...(await exportJWK(pair.publicKey)),
      kid: 'key-1',
      alg: 'RS256',
      use: 'sig',
    };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    app = await createTestApp({
      JWT_SECRET: '',
      JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      JWT_ISSUER: 'https://id.example.com/',
      JWT_AUDIENCE: 'omnihub',
    });
    tenantId = (await createTenant(app)).id;
  });

  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const sign = (claims: Record<string, unknown>, issuer = 'https://id.example.com/') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer(issuer)
      .setAudience('omnihub')
      .setExpirationTime('5m')
      .sign(privateKey);

  const me = async (token: string) =>
    app.inject({
      method: 'GET',
      url: '/api/v2/tenant',
      headers: { authorization: `Bearer ${token}` },
    });

  it('accepts a token signed by a published key with the expected issuer and audience', async () => {
    const response = await me(await sign({ tenant_id: tenantId }));
    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe(tenantId);
  });

  it('rejects a token from another issuer', async () => {
    const response = await me(await sign({ tenant_id: tenantId }, 'https://evil.example.com/'));
    expect(response.statusCode).toBe(401);
  });
});
