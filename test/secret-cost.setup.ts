import { beforeAll } from 'vitest';

// Hashes made inside the test workers use argon2id's smallest cost (see useMinimumSecretCostInTests);
// spawned `carrel` processes hash at full cost. The module is imported here only once the test file has
// been loaded, so a test file's own `vi.mock` of argon2 (src/http/self.routes.test.ts counts
// verifications) still applies to it.
beforeAll(async () => {
  const { useMinimumSecretCostInTests } = await import('../src/vault/secrets.js');
  useMinimumSecretCostInTests();
});
